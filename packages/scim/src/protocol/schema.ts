import { SCIM_URN } from './constants';

/** An attribute definition as RFC 7643 §7 describes it (the subset this service publishes and relies on). */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly subAttributes?: readonly AttributeDefinition[];
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

function attr(
  name: string,
  description: string,
  options: Partial<Omit<AttributeDefinition, 'name' | 'description'>> = {},
): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/** `value`, `display`, `type`, `primary`: the sub-attributes of RFC 7643's multi-valued attributes. */
function multiValued(name: string, description: string, types: readonly string[]): AttributeDefinition {
  return attr(name, description, {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', `The ${name} value.`),
      attr('display', 'A human-readable name, primarily used for display purposes.'),
      attr('type', 'A label indicating the attribute\'s function, e.g. "work".', { canonicalValues: types }),
      attr('primary', 'Whether this value is the primary one (at most one per attribute).', { type: 'boolean' }),
    ],
  });
}

/** The core Group attributes (RFC 7643 §4.2): a name and its members (users, by their SCIM id). */
export const GROUP_ATTRIBUTES: readonly AttributeDefinition[] = [
  attr('displayName', 'A human-readable name for the Group. REQUIRED; unique in this service.', {
    required: true,
    uniqueness: 'server',
  }),
  attr('members', 'A list of members of the Group.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
      attr('display', 'A human-readable name of the member.', { mutability: 'immutable' }),
      attr('$ref', 'The URI of the member resource.', {
        type: 'reference',
        mutability: 'immutable',
        referenceTypes: ['User', 'Group'],
      }),
      attr('type', 'The type of the member.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
    ],
  }),
];

/** The core User attributes this service keeps (RFC 7643 §4.1); any other attribute is kept as sent too. */
export const USER_ATTRIBUTES: readonly AttributeDefinition[] = [
  attr('userName', 'Unique identifier for the User, used by the user to authenticate. REQUIRED.', {
    required: true,
    uniqueness: 'server',
  }),
  attr('name', "The components of the user's real name.", {
    type: 'complex',
    subAttributes: [
      attr('formatted', 'The full name, formatted for display.'),
      attr('familyName', 'The family name (last name).'),
      attr('givenName', 'The given name (first name).'),
      attr('middleName', 'The middle name(s).'),
      attr('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
      attr('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
    ],
  }),
  attr('displayName', 'The name of the User, suitable for display to end-users.'),
  attr('nickName', 'The casual way to address the user.'),
  attr('profileUrl', "A URI pointing to the user's online profile.", {
    type: 'reference',
    referenceTypes: ['external'],
  }),
  attr('title', 'The user\'s title, such as "Vice President".'),
  attr('userType', 'The relationship between the organization and the user.'),
  attr('preferredLanguage', "The user's preferred written or spoken language."),
  attr('locale', "The user's default location for localisation."),
  attr('timezone', "The user's time zone in IANA format."),
  attr('active', "The user's administrative status; false deprovisions the user.", { type: 'boolean' }),
  multiValued('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
  multiValued('phoneNumbers', 'Phone numbers for the user.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multiValued('ims', 'Instant messaging addresses for the user.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype']),
  multiValued('photos', 'URLs of photos of the user.', ['photo', 'thumbnail']),
  attr('addresses', 'A physical mailing address for this user.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('formatted', 'The full mailing address, formatted for display.'),
      attr('streetAddress', 'The full street address component.'),
      attr('locality', 'The city or locality component.'),
      attr('region', 'The state or region component.'),
      attr('postalCode', 'The zip code or postal code component.'),
      attr('country', 'The country name component.'),
      attr('type', 'A label indicating the function of the address, e.g. "work".', {
        canonicalValues: ['work', 'home', 'other'],
      }),
      attr('primary', 'Whether this address is the primary one.', { type: 'boolean' }),
    ],
  }),
  multiValued('entitlements', 'A list of entitlements for the user.', []),
  multiValued('roles', 'A list of roles for the user.', []),
  multiValued('x509Certificates', 'A list of certificates issued to the user.', []),
];

/** The Enterprise User extension attributes (RFC 7643 §4.3). */
export const ENTERPRISE_USER_ATTRIBUTES: readonly AttributeDefinition[] = [
  attr('employeeNumber', 'A string identifier, typically numeric or alphanumeric, assigned to a person.'),
  attr('costCenter', 'Identifies the name of a cost center.'),
  attr('organization', 'Identifies the name of an organization.'),
  attr('division', 'Identifies the name of a division.'),
  attr('department', 'Identifies the name of a department.'),
  attr('manager', "The user's manager.", {
    type: 'complex',
    subAttributes: [
      attr('value', 'The id of the SCIM resource representing the manager.'),
      attr('$ref', 'The URI of the SCIM resource representing the manager.', {
        type: 'reference',
        referenceTypes: ['User'],
      }),
      attr('displayName', 'The displayName of the manager.', { mutability: 'readOnly' }),
    ],
  }),
];

/** Common attributes that are not part of any schema's attribute list (RFC 7643 §3.1) but are canonical names. */
const COMMON_ATTRIBUTE_NAMES = ['id', 'externalId', 'meta', 'schemas'] as const;

const coreByLowerName = new Map<string, AttributeDefinition>(
  USER_ATTRIBUTES.map((definition) => [definition.name.toLowerCase(), definition]),
);
const enterpriseByLowerName = new Map<string, AttributeDefinition>(
  ENTERPRISE_USER_ATTRIBUTES.map((definition) => [definition.name.toLowerCase(), definition]),
);
const commonByLowerName = new Map<string, string>(COMMON_ATTRIBUTE_NAMES.map((name) => [name.toLowerCase(), name]));

/** The definition of a core (schema undefined) or enterprise attribute, looked up ignoring case. */
export function attributeDefinition(schema: string | undefined, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  if (schema === undefined) return coreByLowerName.get(lower);
  if (schema.toLowerCase() === SCIM_URN.enterpriseUser.toLowerCase()) return enterpriseByLowerName.get(lower);
  return undefined;
}

/** The canonical spelling of an attribute name (`username` → `userName`), or the name as given when unknown. */
export function canonicalAttributeName(schema: string | undefined, name: string): string {
  if (schema === undefined) {
    const common = commonByLowerName.get(name.toLowerCase());
    if (common) return common;
  }
  return attributeDefinition(schema, name)?.name ?? name;
}

/** The canonical spelling of a sub-attribute of a known complex attribute. */
export function canonicalSubAttributeName(parent: AttributeDefinition | undefined, name: string): string {
  const lower = name.toLowerCase();
  return parent?.subAttributes?.find((sub) => sub.name.toLowerCase() === lower)?.name ?? name;
}

/** The canonical spelling of a known schema URN, or undefined when `key` is not one. */
export function knownExtensionUrn(key: string): string | undefined {
  return key.toLowerCase() === SCIM_URN.enterpriseUser.toLowerCase() ? SCIM_URN.enterpriseUser : undefined;
}
