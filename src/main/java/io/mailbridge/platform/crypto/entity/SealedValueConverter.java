package io.mailbridge.platform.crypto.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.hibernate.annotations.Immutable;

/** Encrypts sealed fields with the org's current data key as rows are written. */
@Converter
@Immutable
public class SealedValueConverter implements AttributeConverter<SealedValue, byte[]> {

  @Override
  public byte[] convertToDatabaseColumn(SealedValue value) {
    return value == null ? null : value.ciphertext();
  }

  @Override
  public SealedValue convertToEntityAttribute(byte[] stored) {
    return SealedValue.fromDatabase(stored);
  }
}
