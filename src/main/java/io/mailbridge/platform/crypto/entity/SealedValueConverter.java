package io.mailbridge.platform.crypto.entity;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.hibernate.annotations.Immutable;

/**
 * Encrypts sealed fields with the org's current data key as rows are written, and gives loaded
 * values the cipher that opens them. The JPA provider makes converters; where it lets CDI do that,
 * the cipher is injected, otherwise it is looked up once.
 */
@Converter
@Immutable
public class SealedValueConverter implements AttributeConverter<SealedValue, byte[]> {

  @Inject ValueCipher cipher;

  private ValueCipher cipher() {
    ValueCipher found = cipher;
    if (found == null) {
      found = CDI.current().select(ValueCipher.class).get();
      cipher = found;
    }
    return found;
  }

  @Override
  public byte[] convertToDatabaseColumn(SealedValue value) {
    return value == null ? null : value.ciphertext(cipher());
  }

  @Override
  public SealedValue convertToEntityAttribute(byte[] stored) {
    return SealedValue.fromDatabase(stored, stored == null ? null : cipher());
  }
}
