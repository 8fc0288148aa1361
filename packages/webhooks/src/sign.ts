/**
 * `@idp-sync/webhooks/sign`: how each vendor authenticates a delivery, done the way the vendor does it and over the
 * exact body bytes — for the local stack's demo, the tests and the benches. Beside the verifiers they answer (each
 * vendor's folder holds both), behind their own subpath so that nothing of them reaches the webhook Lambda beyond
 * what its verifiers share.
 *
 * @example
 * import { signHrDelivery } from '@idp-sync/webhooks/sign';
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signHrDelivery(secret, body) }, body });
 */
export { signBambooDelivery } from './sources/bamboohr/sign';
export { type HrDeliveryOptions, signHrDelivery } from './sources/hr/sign';
export { signOktaDelivery } from './sources/okta/sign';
export { signWorkosDelivery } from './sources/workos/sign';
