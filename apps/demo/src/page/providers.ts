// The demo's example assistant providers. They run offline, on the device, like the money
// provider: they show how a chat app plugs its own suggestions into the same hook API.
import type { AssistantProvider } from '@settle/sdk/assistant';

const isFrench = (locale: string) => locale.toLowerCase().startsWith('fr');

const WHEN = /\b(today|tomorrow|tonight|this weekend|aujourd'hui|demain|ce soir|ce week-end)\b/i;
const DAYS: Record<string, { en: string; fr: string }> = {
  today: { en: 'today', fr: "aujourd'hui" },
  tomorrow: { en: 'tomorrow', fr: 'demain' },
  tonight: { en: 'tonight', fr: 'ce soir' },
  weekend: { en: 'this weekend', fr: 'ce week-end' },
};
const DAY_OF: Record<string, keyof typeof DAYS> = {
  today: 'today',
  "aujourd'hui": 'today',
  tomorrow: 'tomorrow',
  demain: 'tomorrow',
  tonight: 'tonight',
  'ce soir': 'tonight',
  'this weekend': 'weekend',
  'ce week-end': 'weekend',
};

/** The day a message names ("demain", "tomorrow"...), in either language. */
const dayIn = (text: string) => DAY_OF[text.match(WHEN)?.[1]?.toLowerCase() ?? ''];
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "Remind me" when someone names a day. */
export const reminderProvider: AssistantProvider = {
  id: 'reminder',
  kinds: ['reminder'],
  name: 'Reminders',
  description: 'Offers a reminder when a message names a day.',
  analyze(message, { locale }) {
    const day = dayIn(message.text);
    if (!day) return [];
    const when = DAYS[day]?.[isFrench(locale) ? 'fr' : 'en'] ?? day;
    return [
      {
        kind: 'reminder',
        title: isFrench(locale) ? `Me le rappeler ${when}` : `Remind me ${when}`,
        key: day,
        data: { text: message.text, when },
      },
    ];
  },
};

const PLACE =
  /\b(?:meet(?: you)? at|see you at|pick you up at|on se retrouve (?:à|au|chez)|rdv (?:à|au|chez)|rendez-vous (?:à|au|chez)|je passe te prendre (?:à|au|chez))\s+((?:la |le |l')?\p{Lu}[\p{L}'-]+(?:\s\p{Lu}[\p{L}'-]+)*)/iu;

/** "Get a ride" when friends agree on where to meet. */
export const rideProvider: AssistantProvider = {
  id: 'ride',
  kinds: ['ride'],
  name: 'Rides',
  description: 'Offers a ride when a message names where to meet.',
  analyze(message, { locale }) {
    const place = message.text.match(PLACE)?.[1];
    if (!place) return [];
    return [
      {
        kind: 'ride',
        title: isFrench(locale) ? `Commander une voiture pour ${place}` : `Get a ride to ${place}`,
        key: place.toLowerCase(),
        data: { place },
      },
    ];
  },
};

const WEATHER =
  /\b(weather|rain|raining|sunny|umbrella|météo|meteo|pleut|pleuvoir|pluie|parapluie|soleil)\b/i;
const FORECASTS = [
  { en: 'sunny, 21 °C', fr: 'ensoleillé, 21 °C' },
  { en: 'cloudy, 16 °C', fr: 'nuageux, 16 °C' },
  { en: 'showers, 13 °C', fr: 'averses, 13 °C' },
];

/**
 * Weather when someone wonders about it. It stands in for an online weather service, so it
 * says it is `remote` and the assistant asks the user before giving it any message; this
 * example answers from a table and never leaves the device.
 */
export const weatherProvider: AssistantProvider = {
  id: 'weather',
  kinds: ['weather'],
  remote: true,
  name: 'Weather',
  description: 'Shows the forecast when a message talks about the weather.',
  analyze(message, { locale }) {
    if (!WEATHER.test(message.text)) return [];
    const day = dayIn(message.text) ?? 'today';
    const forecast = FORECASTS[Object.keys(DAYS).indexOf(day) % FORECASTS.length];
    if (!forecast) return [];
    const fr = isFrench(locale);
    const when = capitalized(DAYS[day]?.[fr ? 'fr' : 'en'] ?? day);
    return [
      {
        kind: 'weather',
        title: fr ? `${when} : ${forecast.fr}` : `${when}: ${forecast.en}`,
        key: day,
        data: { when },
      },
    ];
  },
};
