package io.mailbridge.platform.database.control;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps the embedded H2 database's files ({@code <name>.mv.db}, trace, lock and temporary files)
 * readable and writable by the server's user only. H2 creates files with the process umask (usually
 * world-readable), so the database file is created empty and owner-only before H2 opens it, which
 * H2 accepts as a new database. File systems without POSIX permissions are left alone.
 */
final class EmbeddedDatabaseFiles {

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabaseFiles.class.getName());

  private final Path dataDir;
  private final String name;

  /** The files of the database {@code name} (as in {@code jdbc:h2:file:<dataDir>/<name>}). */
  EmbeddedDatabaseFiles(Path dataDir, String name) {
    this.dataDir = dataDir;
    this.name = name;
  }

  /**
   * Before H2 opens the database: creates its file owner-only when there is none yet, and makes
   * existing files owner-only too (from an older version, or rewritten by a defragmentation).
   */
  void prepare() throws IOException {
    if (!posix()) {
      return;
    }
    try {
      Files.createFile(
          dataDir.resolve(name + ".mv.db"), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException exists) {
      // A database from an earlier start: its permissions are fixed below.
    }
    restrict();
  }

  /** Makes every file of the database owner-only; symbolic links are the operator's choice. */
  void restrict() throws IOException {
    if (!posix()) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, name + ".*")) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            && !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
          Files.setPosixFilePermissions(file, OWNER_ONLY);
          LOG.info("Made the database file " + file.getFileName() + " readable by its owner only");
        }
      }
    }
  }

  private boolean posix() throws IOException {
    return Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class);
  }
}
