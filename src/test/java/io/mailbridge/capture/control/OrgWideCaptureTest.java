package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.capture.control.OrgWideCapture.Choice;
import io.mailbridge.platform.problem.InvalidField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrgWideCaptureTest {

  private static OrgWideCapture orgWide() {
    OrgWideCapture o = new OrgWideCapture();
    o.maxUsers = 3;
    return o;
  }

  @Test
  void usersAreTrimmedLowerCasedAndDeduplicated() {
    Choice c =
        orgWide()
            .validated(new Choice(List.of(" Ada@Contoso.example", "ada@contoso.example "), null));
    assertEquals(List.of("ada@contoso.example"), c.users());
    assertNull(c.group());
  }

  @Test
  void nothingChosenMeansNobody() {
    assertEquals(List.of(), orgWide().validated(new Choice(null, null)).users());
  }

  @Test
  void badChoicesNameTheField() {
    InvalidField both =
        assertThrows(
            InvalidField.class,
            () -> orgWide().validated(new Choice(List.of("a@b.example"), "sales@b.example")));
    assertEquals("group", both.field());
    InvalidField notAnAddress =
        assertThrows(
            InvalidField.class,
            () -> orgWide().validated(new Choice(List.of("a@b.example", "not mail"), null)));
    assertEquals("users[1]", notAnAddress.field());
    InvalidField nullEntry =
        assertThrows(
            InvalidField.class,
            () ->
                orgWide()
                    .validated(new Choice(new ArrayList<>(Arrays.asList((String) null)), null)));
    assertEquals("users[0]", nullEntry.field());
    InvalidField tooMany =
        assertThrows(
            InvalidField.class,
            () ->
                orgWide()
                    .validated(
                        new Choice(
                            List.of("a@x.example", "b@x.example", "c@x.example", "d@x.example"),
                            null)));
    assertEquals("users", tooMany.field());
    InvalidField group =
        assertThrows(InvalidField.class, () -> orgWide().validated(new Choice(null, "sales team")));
    assertEquals("group", group.field());
  }

  @Test
  void aGroupIsAnObjectIdOrAMailAddress() {
    assertEquals(
        "0f6a1c2e-3b4d-4e5f-8a9b-1c2d3e4f5a6b",
        orgWide().validated(new Choice(null, " 0F6A1C2E-3B4D-4E5F-8A9B-1C2D3E4F5A6B ")).group());
    assertEquals(
        "sales@contoso.example",
        orgWide().validated(new Choice(null, "Sales@Contoso.example")).group());
  }

  @Test
  void theChoiceIsStoredAndReadBackAsItWas() {
    Choice users = new Choice(List.of("a@x.example", "b@x.example"), null);
    assertEquals(users, OrgWideCapture.parse(OrgWideCapture.json(users)));
    Choice group = new Choice(List.of(), "sales@x.example");
    assertEquals(group, OrgWideCapture.parse(OrgWideCapture.json(group)));
  }
}
