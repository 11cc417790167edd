/** A person of the demo, as the chat app knows them. */
export interface Person {
  id: string;
  name: string;
  /** Full name, for the enrollment's legal name. */
  legalName: string;
  /** Mobile number in E.164, so the demo knows whose phone an SMS lands on. */
  phone: string;
  /** The same number as people type it in France. */
  phoneNational: string;
}

export interface Conversation {
  id: string;
  members: string[];
  /** Group conversations have a title; two-person ones are named after the other person. */
  title?: { en: string; fr: string };
}

/** Alice, Bob and Chloé live in France: their accounts are in euros. */
export const people: Person[] = [
  {
    id: 'alice',
    name: 'Alice',
    legalName: 'Alice Martin',
    phone: '+33612345678',
    phoneNational: '06 12 34 56 78',
  },
  {
    id: 'bob',
    name: 'Bob',
    legalName: 'Bob Durand',
    phone: '+33698765432',
    phoneNational: '06 98 76 54 32',
  },
  {
    id: 'chloe',
    name: 'Chloé',
    legalName: 'Chloé Bernard',
    phone: '+33756781234',
    phoneNational: '07 56 78 12 34',
  },
];

export const conversations: Conversation[] = [
  { id: 'alice-bob', members: ['alice', 'bob'] },
  {
    id: 'friday-dinner',
    members: ['alice', 'bob', 'chloe'],
    title: { en: 'Friday dinner', fr: 'Resto du vendredi' },
  },
];
