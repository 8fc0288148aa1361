import { readFileSync } from 'node:fs';

/** Where the real vendor samples live (`/work/shared/fixtures/vendor`, next to the repository). */
export const VENDOR_FIXTURES = new URL('../../../../shared/fixtures/vendor/', import.meta.url);

/** Reads a vendor sample as text (the Postman collection is driven from its exact text). */
export function readVendorFixtureText(name: string): string {
  return readFileSync(new URL(name, VENDOR_FIXTURES), 'utf8');
}

export function readVendorFixture<T = unknown>(name: string): T {
  return JSON.parse(readVendorFixtureText(name)) as T;
}

/** Microsoft's published Entra sample with `"active": "True"` and `userName: "emp1"` (AzureAD/SCIMReferenceCode). */
export const ENTRA_ACTIVE_STRING_TRUE = 'entra-scim-user-active-string-True.POST.scimreferencecode.json';
/** Microsoft's reference test collection for a SCIM service (AzureAD/SCIMReferenceCode, MIT). */
export const MICROSOFT_POSTMAN_COLLECTION = 'microsoft-scim-reference.postman_collection.json';
