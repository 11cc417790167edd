import { configureLocalization } from '@lit/localize';
import { sourceLocale, targetLocales } from './generated/locale-codes.js';

// French loads only on French pages: English ones never download it.
const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: () => import('./generated/fr.js'),
});

/** The translation to use for a BCP 47 language: French for `fr`, `fr-CA`…, else English. */
export const translationFor = (lang: string) =>
  lang.toLowerCase().startsWith('fr') ? 'fr' : sourceLocale;

/**
 * Switches every Settle element to `lang`. @lit/localize has one language per page at a
 * time, so the last provider to set one wins.
 */
export function applyLanguage(lang: string): Promise<void> {
  const translation = translationFor(lang);
  return translation === getLocale() ? Promise.resolve() : setLocale(translation);
}

/** Whether the strings of `lang` are loaded, so elements render in it and not in English first. */
export const languageLoaded = (lang: string) => translationFor(lang) === getLocale();
