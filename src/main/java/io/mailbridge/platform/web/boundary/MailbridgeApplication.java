package io.mailbridge.platform.web.boundary;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The JSON API under {@code /api}, authenticated with Mailbridge's own MicroProfile JWTs. */
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({"ADMIN", "USER"})
@OpenAPIDefinition(
    info =
        @Info(
            title = "Mailbridge API",
            version = "1",
            description = "Email and calendar integration server for a CRM"))
@ApplicationScoped
public class MailbridgeApplication extends Application {}
