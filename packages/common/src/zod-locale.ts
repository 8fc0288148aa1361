import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * Makes zod word its issues in English, as classic zod does. Classic zod registers English when its first schema is
 * built; zod/mini registers no locale, and then every issue we did not word ourselves reads just "Invalid input" —
 * in the 400 answers to senders and in the INIT errors of a misconfigured Lambda. Leaves a locale already configured
 * alone, so it is idempotent and cheap: modules that build zod/mini schemas call it when they load.
 * (`en` comes from `zod/locales` on its own: `z.locales.en` would put every locale in the bundle.)
 *
 * @example
 * useEnglishZodMessages();
 * z.string().safeParse(1).error?.issues[0]?.message // 'Invalid input: expected string, received number'
 */
export function useEnglishZodMessages(): void {
  if (!z.config().localeError) z.config(en());
}
