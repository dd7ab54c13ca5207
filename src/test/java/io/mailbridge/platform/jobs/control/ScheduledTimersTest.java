package io.mailbridge.platform.jobs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mailbridge.CodeClasses;
import jakarta.ejb.Schedule;
import jakarta.ejb.Schedules;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every timer of the code is non-persistent: Payara Micro runs without its data grid
 * (server-config/payara-micro.asadmin), which is where it would keep a persistent timer, and each
 * node fires its own timers anyway (they claim their work through the database).
 */
class ScheduledTimersTest {

  @Test
  void everyScheduleOfTheCodeIsNonPersistent() throws Exception {
    List<String> timers = new ArrayList<>();
    List<String> persistent = new ArrayList<>();
    for (Class<?> type : CodeClasses.all()) {
      for (Method method : type.getDeclaredMethods()) {
        List<Schedule> schedules = new ArrayList<>();
        Schedule one = method.getAnnotation(Schedule.class);
        if (one != null) {
          schedules.add(one);
        }
        Schedules many = method.getAnnotation(Schedules.class);
        if (many != null) {
          schedules.addAll(List.of(many.value()));
        }
        for (Schedule schedule : schedules) {
          String name = type.getSimpleName() + "." + method.getName();
          timers.add(name);
          if (schedule.persistent()) {
            persistent.add(name);
          }
        }
      }
    }
    // The check must have found the timers it guards, or it would pass on nothing.
    assertFalse(timers.isEmpty(), "no @Schedule found in the code");
    assertEquals(List.of(), persistent, "persistent timers (of " + timers + ")");
  }
}
