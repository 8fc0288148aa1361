/**
 * The account-level roles every account has.
 *
 * @example
 * PREDEFINED_ROLE_NAMES.includes(name as PredefinedRoleName)
 */
export const PREDEFINED_ROLE_NAMES = ['ADMIN', 'MEMBER', 'ANNOTATOR'] as const;
export type PredefinedRoleName = (typeof PREDEFINED_ROLE_NAMES)[number];

/**
 * A predefined account role.
 *
 * @example
 * const role: PredefinedRole = { type: 'PREDEFINED', name: 'MEMBER' };
 */
export interface PredefinedRole {
  type: 'PREDEFINED';
  name: PredefinedRoleName;
}

/**
 * A custom RBAC role by id, as the product documentation's `CustomUserRole(id=…)`: a create may assign one the account
 * has (an unknown id is `UnprocessableEntityError`). `name` is read-only (set by the server on read); send
 * `isDeveloper` explicitly with a custom role (its default is not published).
 *
 * @example
 * const role: CustomRole = roles.custom('Um9sZTox');
 */
export interface CustomRole {
  type: 'CUSTOM';
  id: string;
  name?: string;
}

/**
 * A user's role assignment; the same shape on the wire and in this client.
 *
 * @example
 * if (user.role.type === 'PREDEFINED' && user.role.name === 'ADMIN') console.log('admin');
 */
export type Role = PredefinedRole | CustomRole;

/**
 * Small constructors for {@link Role} values.
 *
 * @example
 * await client.users.create({ name: 'Ada', email: 'ada@example.com', role: roles.member(), inviteMode: 'EMAIL_LINK' });
 * roles.predefined('ANNOTATOR'); // { type: 'PREDEFINED', name: 'ANNOTATOR' }
 * roles.custom('Um9sZTox');      // { type: 'CUSTOM', id: 'Um9sZTox' }
 */
export const roles = {
  predefined(name: PredefinedRoleName): PredefinedRole {
    return { type: 'PREDEFINED', name };
  },
  admin(): PredefinedRole {
    return { type: 'PREDEFINED', name: 'ADMIN' };
  },
  member(): PredefinedRole {
    return { type: 'PREDEFINED', name: 'MEMBER' };
  },
  annotator(): PredefinedRole {
    return { type: 'PREDEFINED', name: 'ANNOTATOR' };
  },
  custom(id: string): CustomRole {
    return { type: 'CUSTOM', id };
  },
} as const;
