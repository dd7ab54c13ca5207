package io.mailbridge.platform.database.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.hibernate.JDBCException;
import org.hibernate.Session;

/**
 * Plain JDBC on the connection the current transaction's JPA work goes through, so statements see
 * the rows JPA has flushed and commit or roll back with them.
 *
 * <p>Why not just the data source: the container shares one connection per transaction only when
 * the calling thread carries a component context it recognises. A request thread does; the job
 * pump's managed-executor threads did not, so a second connection was handed out there, which could
 * not see the transaction's flushed rows (a foreign key to a new activity failed) and would have
 * committed on its own. Outside a transaction the data source is used as before.
 */
@ApplicationScoped
public class TransactionConnection {

  @PersistenceContext EntityManager em;

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  @Resource TransactionSynchronizationRegistry transactions;

  /** What to do with the connection; it must not close it. */
  @FunctionalInterface
  public interface Work<T> {
    T on(Connection connection) throws SQLException;
  }

  /** Runs the work on the transaction's connection, or on a pooled one outside a transaction. */
  public <T> T run(Work<T> work) throws SQLException {
    if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
      try (Connection connection = dataSource.getConnection()) {
        return work.on(connection);
      }
    }
    try {
      return em.unwrap(Session.class).doReturningWork(work::on);
    } catch (JDBCException e) {
      throw e.getSQLException();
    }
  }
}
