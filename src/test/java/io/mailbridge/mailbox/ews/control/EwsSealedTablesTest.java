package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.crypto.control.SealedTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class EwsSealedTablesTest {

  @Test
  void keyRotationKnowsEverySealedColumnOfTheConnection() {
    Set<String> sealed = new TreeSet<>();
    for (Field field : ExchangeConnection.class.getDeclaredFields()) {
      if (field.isAnnotationPresent(Convert.class)) {
        sealed.add(field.getAnnotation(Column.class).name());
      }
    }
    SealedTable table = new EwsSealedTables().sealedTables().get(0);
    assertEquals(ExchangeConnection.TABLE, table.table());
    assertEquals(sealed, new TreeSet<>(table.columns()));
    assertTrue(sealed.containsAll(Set.of("password", "username", "ca_bundle")), sealed.toString());
  }
}
