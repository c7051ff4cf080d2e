/**
 * The name of an organization's own Zoom app's secret: the project's name suffixed with the
 * organization's id in capitals without dashes (ZOOM_CLIENT_ID_0A1B…), since secret names allow
 * only letters, digits and underscores.
 */
export function organizationSecretName(name: string, organizationId: string): string {
  return `${name}_${organizationId.replaceAll("-", "").toUpperCase()}`;
}
