// The chat shell's own words; the Settle elements translate themselves from the page's `lang`.

export type Language = 'en' | 'fr';

const en = {
  title: 'Settle demo',
  tagline: 'Alice, Bob and Chloé live in France. Each column is one person’s phone.',
  language: 'Language',
  theme: 'Dark mode',
  phoneOf: (name: string) => `${name}’s phone`,
  phoneNumber: (number: string) => `Mobile ${number}`,
  back: 'Back to the chat',
  conversations: 'Conversations',
  /** The messages of a conversation: with a person, or in a group (`group`). */
  messagesIn: (title: string, group: boolean) =>
    group ? `Messages in ${title}` : `Messages with ${title}`,
  noMessages: 'No messages yet. Say hello!',
  message: 'Message',
  send: 'Send',
  pay: (name: string) => `Pay ${name}`,
  setUp: 'Set up payments',
  setUpHint: 'Payments are not set up yet.',
  setUpTitle: 'Set up payments',
  unlockTitle: 'Unlock payments',
  lockedHint: 'Payments are locked.',
  unlock: 'Unlock',
  history: 'Payment history',
  notInChat: 'This payment was not made in a conversation.',
  settings: 'Assistant and security',
  assistantOn: 'Assistant suggestions',
  providers: 'What the assistant may suggest',
  moneyProvider: 'Settling up',
  providerName: { reminder: 'Reminders', ride: 'Rides', weather: 'Weather' } as Record<
    string,
    string
  >,
  /** What each example provider does with a message, for the consent question. */
  providerWhat: {
    reminder: 'Offers a reminder when a message names a day.',
    ride: 'Offers a ride when a message names where to meet.',
    weather: 'Shows the forecast when a message talks about the weather.',
  } as Record<string, string>,
  secure: 'Secure my account',
  secureHint: 'Signs out every device. Payments then need an SMS code and a new PIN.',
  secured: 'Account secured. Unlock payments with an SMS code and a new PIN.',
  notifications: (name: string) => `${name}’s notifications`,
  smsFrom: 'Messages · SMS',
  dismiss: 'Dismiss',
  consentTitle: (name: string) => `Let ${name} read your messages?`,
  allow: 'Allow',
  deny: 'No thanks',
  reminderSet: (when: string) => `Reminder set for ${when}.`,
  rideBooked: (place: string) => `A ride to ${place} is on its way (example).`,
  weatherShown: 'Forecast shared (example).',
  frozenHint: 'Payments are on hold: contact support.',
  sentTo: (name: string, others: string[]) =>
    `${name} sent money to ${new Intl.ListFormat('en').format(others)}.`,
  askedOf: (name: string, others: string[]) =>
    `${name} asked ${new Intl.ListFormat('en').format(others)} for money.`,
  adminDesk: 'Platform admin',
  heldForReview: 'Held for review',
  noFlags: 'Nothing to review.',
  flag: (name: string, rule: string) =>
    `${name}: ${rule === 'large_to_new_recipient' ? 'first large transfer to someone new' : rule === 'velocity' ? 'many transfers in minutes' : rule}`,
  approve: 'Approve',
  reject: 'Reject',
  accounts: 'Accounts',
  freeze: (name: string) => `Freeze ${name}`,
};

/** French "de" before a name, elided before a vowel: "de Bob", "d’Alice", "d’Émile". */
const of = (name: string) => (/^[aeiouyàâäéèêëîïôöùûüœæ]/i.test(name) ? `d’${name}` : `de ${name}`);

const fr: typeof en = {
  title: 'Démo Settle',
  tagline: 'Alice, Bob et Chloé vivent en France. Chaque colonne est le téléphone de l’un d’eux.',
  language: 'Langue',
  theme: 'Mode sombre',
  phoneOf: (name) => `Téléphone ${of(name)}`,
  phoneNumber: (number) => `Mobile ${number}`,
  back: 'Retour à la conversation',
  conversations: 'Conversations',
  messagesIn: (title, group) => (group ? `Messages du groupe ${title}` : `Messages avec ${title}`),
  noMessages: 'Pas encore de message. Dites bonjour !',
  message: 'Message',
  send: 'Envoyer',
  pay: (name) => `Payer ${name}`,
  setUp: 'Activer les paiements',
  setUpHint: 'Les paiements ne sont pas encore activés.',
  setUpTitle: 'Activer les paiements',
  unlockTitle: 'Débloquer les paiements',
  lockedHint: 'Les paiements sont bloqués.',
  unlock: 'Débloquer',
  history: 'Historique des paiements',
  notInChat: 'Ce paiement n’a pas été fait dans une conversation.',
  settings: 'Assistant et sécurité',
  assistantOn: 'Suggestions de l’assistant',
  providers: 'Ce que l’assistant peut proposer',
  moneyProvider: 'Régler ses comptes',
  providerName: { reminder: 'Rappels', ride: 'Trajets', weather: 'Météo' },
  providerWhat: {
    reminder: 'Propose un rappel quand un message parle d’un jour.',
    ride: 'Propose une voiture quand un message dit où se retrouver.',
    weather: 'Donne la météo quand un message parle du temps qu’il fait.',
  },
  secure: 'Sécuriser mon compte',
  secureHint:
    'Déconnecte tous les appareils. Les paiements demandent ensuite un code SMS et un nouveau code secret.',
  secured: 'Compte sécurisé. Débloquez les paiements avec un code SMS et un nouveau code secret.',
  notifications: (name) => `Notifications ${of(name)}`,
  smsFrom: 'Messages · SMS',
  dismiss: 'Fermer',
  consentTitle: (name) => `Autoriser ${name} à lire vos messages ?`,
  allow: 'Autoriser',
  deny: 'Non merci',
  reminderSet: (when) => `Rappel programmé : ${when}.`,
  rideBooked: (place) => `Une voiture arrive pour ${place} (exemple).`,
  weatherShown: 'Météo partagée (exemple).',
  frozenHint: 'Paiements suspendus : contactez l’assistance.',
  sentTo: (name, others) =>
    `${name} a envoyé de l’argent à ${new Intl.ListFormat('fr').format(others)}.`,
  askedOf: (name, others) =>
    `${name} a demandé de l’argent à ${new Intl.ListFormat('fr').format(others)}.`,
  adminDesk: 'Administration',
  heldForReview: 'En attente de vérification',
  noFlags: 'Rien à vérifier.',
  flag: (name, rule) =>
    `${name} : ${rule === 'large_to_new_recipient' ? 'premier gros virement à un nouveau destinataire' : rule === 'velocity' ? 'nombreux virements en quelques minutes' : rule}`,
  approve: 'Approuver',
  reject: 'Refuser',
  accounts: 'Comptes',
  freeze: (name) => `Geler le compte ${of(name)}`,
};

export type Strings = typeof en;
export const strings: Record<Language, Strings> = { en, fr };
