package io.mailbridge.itsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class or method that runs only where the machine has these; elsewhere it is skipped with
 * one line saying what to install, and under {@code CI=true} their absence fails it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MachineRequirements.class)
public @interface Needs {
  MachineRequirement[] value();
}
