import type { Lang } from './language.ts';

/** Every sentence the portal shows, in plain words, per language. */
const en = {
  languageName: 'English',
  homeTitle: 'Connect through your hotspot',
  homeBody:
    'Join the hotspot WiFi, then open any web page. You will be taken to the hotspot’s own page to buy or redeem internet access.',
  plansHeading: 'Choose a plan',
  noPlans: 'This hotspot has no plans on sale right now. Please ask the staff.',
  support: 'Need help? Call',
  unknownSiteTitle: 'We could not find this hotspot',
  unknownSiteBody:
    'The address may be mistyped, or the hotspot is no longer here. Reconnect to the WiFi and open any web page to get back to your hotspot.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'There is nothing at this address. Reconnect to the WiFi and open any web page.',
  unavailableTitle: 'Service temporarily unavailable',
  unavailableBody:
    'We cannot load this hotspot’s plans right now. Please wait a minute and try again.',
  errorTitle: 'Something went wrong',
  errorBody: 'Please wait a moment and try again.',
  tryAgain: 'Try again',
};

const sw: typeof en = {
  languageName: 'Kiswahili',
  homeTitle: 'Unganisha kupitia hotspot yako',
  homeBody:
    'Jiunge na WiFi ya hotspot, kisha fungua ukurasa wowote wa wavuti. Utapelekwa kwenye ukurasa wa hotspot ili kununua au kutumia vocha ya intaneti.',
  plansHeading: 'Chagua kifurushi',
  noPlans: 'Hotspot hii haina vifurushi vinavyouzwa kwa sasa. Tafadhali uliza mhudumu.',
  support: 'Unahitaji msaada? Piga simu',
  unknownSiteTitle: 'Hatukuweza kupata hotspot hii',
  unknownSiteBody:
    'Huenda anwani imekosewa, au hotspot hii haipo tena. Unganisha tena kwenye WiFi kisha ufungue ukurasa wowote ili urudi kwenye hotspot yako.',
  notFoundTitle: 'Ukurasa haupatikani',
  notFoundBody:
    'Hakuna kitu kwenye anwani hii. Unganisha tena kwenye WiFi kisha ufungue ukurasa wowote.',
  unavailableTitle: 'Huduma haipatikani kwa muda',
  unavailableBody:
    'Hatuwezi kupakia vifurushi vya hotspot hii sasa hivi. Tafadhali subiri dakika moja kisha ujaribu tena.',
  errorTitle: 'Kuna hitilafu',
  errorBody: 'Tafadhali subiri kidogo kisha ujaribu tena.',
  tryAgain: 'Jaribu tena',
};

export type Messages = typeof en;

export function messages(lang: Lang): Messages {
  return lang === 'sw' ? sw : en;
}
