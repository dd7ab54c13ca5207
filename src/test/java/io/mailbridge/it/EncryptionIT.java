package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mailbridge.crm.control.Activities;
import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.it.support.RotationJobs;
import io.mailbridge.it.support.TestMessages;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.crypto.control.FieldCipher;
import io.mailbridge.platform.crypto.control.KeyRotation;
import io.mailbridge.platform.crypto.control.UnreadableValueException;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobState;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.security.control.Orgs;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.security.entity.Org;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Encryption at rest, checked by reading the database beneath the application. */
@ExtendWith(ArquillianExtension.class)
class EncryptionIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject Orgs orgs;
  @Inject Users users;
  @Inject TestOrgs testOrgs;
  @Inject RawDatabase raw;
  @Inject KeyRotation rotation;
  @Inject JobStore jobStore;
  @Inject JobRunner jobRunner;
  @Inject RotationJobs rotationJobs;
  @Inject Records records;
  @Inject Activities activities;
  @Inject ActivityStore activityStore;

  @Test
  void noKnownPlaintextIsFoundAnywhereInTheDatabase() throws Exception {
    String marker = "canary" + UUID.randomUUID().toString().replace("-", "");
    Org org = orgs.create("Org " + marker);
    String email = marker + "@plain.example";
    String password = "password " + marker;
    users.create(org.id(), new Users.NewUser(email, "Name " + marker, "ADMIN", password), null);
    // A login stores a refresh token too.
    new ApiClient("http://127.0.0.1:" + request.getLocalPort()).login(email, password);

    List<String> tables = raw.tables();
    assertTrue(
        tables.containsAll(
            List.of("org", "app_user", "refresh_token", "org_keyset", "server_key", "job")),
        tables.toString());
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    int scanned = 0;
    for (String table : tables) {
      for (byte[] value : raw.allValues(table)) {
        scanned++;
        String asText = new String(value, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (asText.contains(marker) || RawDatabase.containsBytes(value, needle)) {
          fail("plaintext of a sealed value found in table " + table);
        }
      }
    }
    assertTrue(scanned > 10, "the scan read the rows");

    // The signing key is stored wrapped, not as a usable private key.
    byte[] wrapped =
        raw.bytesOf("SELECT wrapped_secret FROM server_key WHERE kind = ?", "jwt-signing");
    assertThrows(
        InvalidKeySpecException.class,
        () -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapped)));
  }

  @Test
  void aCiphertextMovedToAnotherRowColumnOrOrgNoLongerDecrypts() throws Exception {
    AppUser a = testOrgs.orgWithAdmin("Binding A");
    AppUser b = testOrgs.user(a.orgId(), "USER", "Binding B");
    AppUser other = testOrgs.orgWithAdmin("Binding other org");
    byte[] aName = raw.bytes("app_user", "display_name", a.id());
    byte[] bName = raw.bytes("app_user", "display_name", b.id());
    byte[] aEmail = raw.bytes("app_user", "email", a.id());
    byte[] otherName = raw.bytes("app_user", "display_name", other.id());
    try {
      raw.setBytes("app_user", "display_name", b.id(), aName);
      assertThrows(
          UnreadableValueException.class,
          () -> users.find(b.orgId(), b.id()).displayName(),
          "another row");

      raw.setBytes("app_user", "display_name", a.id(), aEmail);
      assertThrows(
          UnreadableValueException.class,
          () -> users.find(a.orgId(), a.id()).displayName(),
          "another column");

      raw.setBytes("app_user", "display_name", other.id(), aName);
      assertThrows(
          UnreadableValueException.class,
          () -> users.find(other.orgId(), other.id()).displayName(),
          "another org");
    } finally {
      raw.setBytes("app_user", "display_name", a.id(), aName);
      raw.setBytes("app_user", "display_name", b.id(), bName);
      raw.setBytes("app_user", "display_name", other.id(), otherName);
    }
    assertEquals(
        "Binding B person",
        users.find(b.orgId(), b.id()).displayName(),
        "restored rows read again");
  }

  @Test
  void rotationReencryptsEveryRowAndReadsWorkBeforeDuringAndAfter() throws Exception {
    AppUser admin = testOrgs.orgWithAdmin("Rotation");
    String orgId = admin.orgId();
    List<AppUser> members = new ArrayList<>(List.of(admin));
    for (int i = 0; i < 20; i++) {
      members.add(testOrgs.user(orgId, "USER", "member " + i));
    }
    Map<String, String> before = readAll(members);
    long oldKey = rotation.status(orgId).primaryKeyId();
    assertEquals(Set.of(oldKey), keyIdsOf(orgId));

    assertNull(rotation.status(orgId).reencryption(), "never rotated: no job to show");
    KeyRotation.Started started = rotation.rotate(orgId);
    assertNotEquals(oldKey, started.primaryKeyId());
    assertEquals(2, rotation.status(orgId).keyCount());
    KeyRotation.Reencryption queued = rotation.status(orgId).reencryption();
    assertEquals(started.jobId(), queued.jobId());
    assertEquals("queued", queued.state());
    assertEquals(0, queued.tablesDone());
    assertTrue(queued.tableCount() > 0);
    assertEquals(before, readAll(members), "reads work right after rotation");

    AppUser newcomer = testOrgs.user(orgId, "USER", "after rotation");
    members.add(newcomer);
    before.put(newcomer.id(), newcomer.email() + "|" + newcomer.displayName());
    assertEquals(
        started.primaryKeyId(),
        FieldCipher.keyIdOf(raw.bytes("app_user", "email", newcomer.id())),
        "new rows use the new key at once");

    // One batch of the job, then reads again while old and new keys are both in use.
    ClaimedJob first = claim(started.jobId());
    jobRunner.run(first);
    assertEquals(
        JobState.READY, jobStore.find(started.jobId()).orElseThrow().state(), "more batches to go");
    assertEquals(
        Set.of(oldKey, started.primaryKeyId()), keyIdsOf(orgId), "half way: both keys in use");
    assertEquals("running", rotation.status(orgId).reencryption().state(), "between batches");
    assertEquals(before, readAll(members), "reads work during re-encryption");

    rotationJobs.waitUntilDone(started.jobId());
    assertEquals(
        Set.of(started.primaryKeyId()),
        keyIdsOf(orgId),
        "every sealed value of the org now uses the new key");
    assertEquals(1, rotation.status(orgId).keyCount(), "the old key was dropped once unused");
    KeyRotation.Reencryption done = rotation.status(orgId).reencryption();
    assertEquals("done", done.state());
    assertEquals(done.tableCount(), done.tablesDone());
    assertEquals(before, readAll(members), "reads work after rotation");
    assertEquals(
        admin.orgId(),
        users.findByLoginEmail(admin.email()).orElseThrow().orgId(),
        "blind index still finds users");
  }

  @Test
  void rotationAlsoReencryptsRecordsActivitiesAndAttachments() throws Exception {
    AppUser admin = testOrgs.orgWithAdmin("Rotation CRM");
    String orgId = admin.orgId();
    String contact =
        records
            .create(
                orgId,
                RecordType.CONTACTS,
                Json.createObjectBuilder().add("lastName", "Rotated").build(),
                null)
            .getString("id");
    MailAttachment[] files = new MailAttachment[5]; // more than one blob batch (4)
    for (int i = 0; i < files.length; i++) {
      files[i] =
          TestMessages.attachment(
              "f" + i + ".txt", "text/plain", "file " + i + " " + UUID.randomUUID());
    }
    String activityId =
        activityStore
            .storeEmail(
                orgId,
                TestMessages.email("Rotated mail", Instant.now(), files),
                List.of(contact),
                null)
            .id();
    JsonObject recordBefore = records.get(orgId, RecordType.CONTACTS, contact);
    JsonObject activityBefore = activities.get(orgId, activityId);
    byte[] lastFile = activities.attachment(orgId, activityId, 5).content();

    KeyRotation.Started started = rotation.rotate(orgId);
    rotationJobs.waitUntilDone(started.jobId());

    for (String[] column :
        List.of(
            new String[] {"crm_record", "data"}, new String[] {"activity", "data"},
            new String[] {"activity_attachment", "meta"},
                new String[] {"attachment_blob", "bytes"})) {
      List<byte[]> values =
          raw.allBytes("SELECT " + column[1] + " FROM " + column[0] + " WHERE org_id = ?", orgId);
      assertTrue(!values.isEmpty(), column[0]);
      for (byte[] value : values) {
        assertEquals(
            started.primaryKeyId(),
            FieldCipher.keyIdOf(value),
            column[0] + "." + column[1] + " uses the new key");
      }
    }
    assertEquals(1, rotation.status(orgId).keyCount());
    assertEquals(recordBefore, records.get(orgId, RecordType.CONTACTS, contact));
    assertEquals(activityBefore, activities.get(orgId, activityId));
    assertArrayEquals(lastFile, activities.attachment(orgId, activityId, 5).content());
  }

  private ClaimedJob claim(String jobId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      // The job starts after the keyset cache TTL; other due jobs claimed here are run too.
      for (ClaimedJob job : jobStore.claim("it-rotation", 10, Duration.ofMinutes(1))) {
        if (job.id().equals(jobId)) {
          return job;
        }
        jobRunner.run(job);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the re-encryption job never became due");
  }

  private Map<String, String> readAll(List<AppUser> members) {
    Map<String, String> values = new HashMap<>();
    for (AppUser member : members) {
      AppUser fresh = users.find(member.orgId(), member.id());
      values.put(member.id(), fresh.email() + "|" + fresh.displayName());
    }
    return values;
  }

  private Set<Long> keyIdsOf(String orgId) throws Exception {
    Set<Long> ids = new HashSet<>();
    ids.add(FieldCipher.keyIdOf(raw.bytes("org", "name", orgId)));
    for (String id : raw.strings("SELECT id FROM app_user WHERE org_id = ?", orgId)) {
      ids.add(FieldCipher.keyIdOf(raw.bytes("app_user", "email", id)));
      ids.add(FieldCipher.keyIdOf(raw.bytes("app_user", "display_name", id)));
    }
    return ids;
  }
}
