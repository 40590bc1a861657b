/**
 * The provisioning file: groups, users, apps, clients and API keys declared in TOML, read with
 * their secrets resolved ({@link dev.gatehouse.admin.provisioning.ProvisioningFile}) and applied
 * all or nothing through {@link dev.gatehouse.admin.Administration}, the rules the admin API and
 * console follow ({@link dev.gatehouse.admin.provisioning.Provisioner}).
 */
@NullMarked
package dev.gatehouse.admin.provisioning;

import org.jspecify.annotations.NullMarked;
