/** The SCIM endpoint URL a directory's admin pastes into the identity provider. */
export const scimBaseUrl = (publicUrl: string, directoryId: string): string => `${publicUrl}/scim/v2/${directoryId}`;
