/**
 * Mail services with millions of users each. Two people sharing one of them says nothing; sharing any
 * other domain (an employer, a family's own) says a lot, and so does the same handle there.
 */
const MASS_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'msn.com',
  'proton.me',
  'protonmail.com',
  'web.de',
  't-online.de',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'wanadoo.fr',
  'libero.it',
  'btinternet.com',
  'virginmedia.com',
  'sky.com',
  'talktalk.net',
  'ntlworld.com',
  'mail.ru',
  'qq.com',
  '163.com',
  'comcast.net',
  'att.net',
  'verizon.net',
  'zoho.com',
  'fastmail.com',
  'bigpond.com',
  'shaw.ca',
]);
/** Services with a domain per country (yahoo.co.uk, hotmail.fr, gmx.de). */
const MASS_MAIL_NAMES = new Set(['yahoo', 'hotmail', 'outlook', 'live', 'aol', 'gmx', 'yandex', 'ymail']);

export function isMassMailDomain(domain: string): boolean {
  return MASS_MAIL_DOMAINS.has(domain) || MASS_MAIL_NAMES.has(domain.slice(0, domain.indexOf('.')));
}
