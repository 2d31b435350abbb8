// Every recognizer, in order of preference when a column fits more than one.
import type { Recognizer } from './types.js';
import { bsn } from './bsn.js';
import { onderwijsnummer } from './onderwijsnummer.js';
import { iban } from './iban.js';
import { email } from './email.js';
import { phone } from './phone.js';
import { postcode } from './postcode.js';
import { birthDate } from './birth-date.js';
import { personName } from './person-name.js';
import { clientId } from './client-id.js';
import { gender } from './gender.js';
import { age } from './age.js';
import { place } from './place.js';
import { benefit } from './benefit.js';
import { specialCategory } from './special-category.js';

export type { Recognizer } from './types.js';

export const RECOGNIZERS: readonly Recognizer[] = [
  bsn,
  onderwijsnummer,
  iban,
  email,
  phone,
  postcode,
  birthDate,
  personName,
  clientId,
  gender,
  age,
  place,
  benefit,
  specialCategory,
];
