package io.mailbridge.bench;

import java.lang.reflect.Field;

/** Sets the injected fields of the real services by hand, so a bench runs them without a server. */
public final class Wiring {
  private Wiring() {}

  public static <T> T inject(T target, String field, Object value) {
    Class<?> type = target.getClass();
    while (type != null) {
      try {
        Field f = type.getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
        return target;
      } catch (NoSuchFieldException e) {
        type = type.getSuperclass();
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalArgumentException("No field " + field + " on " + target.getClass());
  }
}
