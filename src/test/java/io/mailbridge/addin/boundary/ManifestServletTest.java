package io.mailbridge.addin.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The add-in manifest as the servlet writes it: the read surface and, for the compose window, the
 * ItemEdit form, the Edit activation rules and the compose and organizer command surfaces, in both
 * VersionOverrides (1.0, and 1.1 for nested app authentication).
 */
class ManifestServletTest {

  private static final String OFFICE = "http://schemas.microsoft.com/office/appforoffice/1.1";
  private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
  private static final String V10 = "http://schemas.microsoft.com/office/mailappversionoverrides";
  private static final String V11 =
      "http://schemas.microsoft.com/office/mailappversionoverrides/1.1";

  private static Document manifest(String clientId) throws Exception {
    String written =
        ManifestServlet.render("https://crm.contoso.example", Optional.ofNullable(clientId));
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(written.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> elements(Element parent, String ns, String name) {
    NodeList found = parent.getElementsByTagNameNS(ns, name);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < found.getLength(); i++) {
      out.add((Element) found.item(i));
    }
    return out;
  }

  private static List<String> types(List<Element> elements) {
    return elements.stream().map(e -> e.getAttributeNS(XSI, "type")).toList();
  }

  @Test
  void composeFormAndRulesOpenTheSameTaskPane() throws Exception {
    Element root = manifest(null).getDocumentElement();
    List<Element> forms = elements(root, OFFICE, "Form");
    assertEquals(List.of("ItemRead", "ItemEdit"), types(forms));
    // The identity token's audience is the first SourceLocation: still the read form's.
    for (Element form : forms) {
      assertEquals(
          "https://crm.contoso.example/addin/taskpane.html",
          elements(form, OFFICE, "SourceLocation").get(0).getAttribute("DefaultValue"));
    }
    assertEquals(
        0,
        elements(forms.get(1), OFFICE, "RequestedHeight").size(),
        "ItemEdit has no RequestedHeight");
    List<String> rules =
        elements(root, OFFICE, "Rule").stream()
            .filter(r -> r.getAttributeNS(XSI, "type").equals("ItemIs"))
            .map(r -> r.getAttribute("ItemType") + "/" + r.getAttribute("FormType"))
            .toList();
    assertEquals(List.of("Message/Read", "Message/Edit", "Appointment/Edit"), rules);
  }

  @Test
  void bothVersionOverridesCarryTheReadComposeAndOrganizerSurfaces() throws Exception {
    Document document = manifest("11111111-2222-3333-4444-555555555555");
    for (String ns : List.of(V10, V11)) {
      Element overrides = elements(document.getDocumentElement(), ns, "VersionOverrides").get(0);
      List<Element> points = elements(overrides, ns, "ExtensionPoint");
      // V1_0 contains the V1_1 block: count only this namespace's own surfaces.
      List<Element> own =
          points.stream()
              .filter(
                  p ->
                      ns.equals(V11)
                          || elements(overrides, V11, "ExtensionPoint").stream()
                              .noneMatch(inner -> inner == p))
              .toList();
      assertEquals(
          List.of(
              "MessageReadCommandSurface",
              "MessageComposeCommandSurface",
              "AppointmentOrganizerCommandSurface"),
          types(own),
          ns);
      for (Element point : own) {
        assertEquals("TabDefault", elements(point, ns, "OfficeTab").get(0).getAttribute("id"));
        Element action = elements(point, ns, "Action").get(0);
        assertEquals("ShowTaskpane", action.getAttributeNS(XSI, "type"));
        assertEquals(
            "taskpaneUrl", elements(action, ns, "SourceLocation").get(0).getAttribute("resid"));
      }
      List<String> controlIds =
          own.stream().map(p -> elements(p, ns, "Control").get(0).getAttribute("id")).toList();
      assertEquals(3, controlIds.stream().distinct().count(), "control ids are unique");
    }
  }
}
