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
  haveVoucher: 'I have a voucher',
  checkVoucher: 'Check what is left on a voucher',
  voucherTitle: 'Enter your voucher code',
  voucherLabel: 'Voucher code',
  voucherHint: 'Letters and digits, as printed or sent by SMS.',
  connect: 'Connect',
  connectingTitle: 'Connecting you…',
  connectingBody: 'If nothing happens in a few seconds, tap Connect.',
  yourCode: 'Your code',
  keepCode: 'Keep this code: you can use it again until your plan runs out.',
  genericTitle: 'Your code is ready',
  genericBody: 'Open the hotspot’s login page and type this code as both user name and password.',
  backToPlans: 'Back to plans',
  codeEmpty: 'Type the code from your voucher.',
  codeLookalike: 'Voucher codes never contain 0, O, 1, I or L. Check the code and type it again.',
  codeCharacters: 'A voucher code has only letters and digits. Check the code and type it again.',
  codeLength: 'A voucher code has 10 characters (a few more with a prefix). Check the code.',
  statusTitle: 'What is left on your voucher',
  check: 'Check',
  statusNotFound:
    'We do not know this code at this hotspot. Check the code on your voucher and try again.',
  statusLimited: 'Too many checks at this hotspot right now. Please try again in a few minutes.',
  statusLabel: 'Status',
  plan: 'Plan',
  timeLeft: 'Time left',
  dataLeft: 'Data left',
  expires: 'Expires',
  notStarted: 'Starts counting when you first connect',
  unlimited: 'Unlimited',
  devices: 'Devices',
  statusActive: 'Active',
  statusExpired: 'Expired',
  statusExhausted: 'Used up',
  statusRevoked: 'Cancelled',
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
  haveVoucher: 'Nina vocha',
  checkVoucher: 'Angalia salio la vocha',
  voucherTitle: 'Weka nambari ya vocha yako',
  voucherLabel: 'Nambari ya vocha',
  voucherHint: 'Herufi na tarakimu, kama ilivyochapishwa au kutumwa kwa SMS.',
  connect: 'Unganisha',
  connectingTitle: 'Tunakuunganisha…',
  connectingBody: 'Kama hakuna kinachotokea baada ya sekunde chache, bonyeza Unganisha.',
  yourCode: 'Nambari yako',
  keepCode: 'Hifadhi nambari hii: unaweza kuitumia tena hadi kifurushi chako kiishe.',
  genericTitle: 'Nambari yako iko tayari',
  genericBody:
    'Fungua ukurasa wa kuingia wa hotspot kisha uandike nambari hii kama jina la mtumiaji na nenosiri.',
  backToPlans: 'Rudi kwenye vifurushi',
  codeEmpty: 'Andika nambari iliyo kwenye vocha yako.',
  codeLookalike: 'Nambari za vocha hazina 0, O, 1, I wala L. Angalia nambari kisha uiandike tena.',
  codeCharacters:
    'Nambari ya vocha ina herufi na tarakimu tu. Angalia nambari kisha uiandike tena.',
  codeLength:
    'Nambari ya vocha ina herufi 10 (au zaidi kidogo ikiwa na kiambishi). Angalia nambari.',
  statusTitle: 'Salio la vocha yako',
  check: 'Angalia',
  statusNotFound:
    'Hatuijui nambari hii kwenye hotspot hii. Angalia nambari iliyo kwenye vocha yako kisha ujaribu tena.',
  statusLimited:
    'Ukaguzi mwingi kwenye hotspot hii sasa hivi. Tafadhali jaribu tena baada ya dakika chache.',
  statusLabel: 'Hali',
  plan: 'Kifurushi',
  timeLeft: 'Muda uliobaki',
  dataLeft: 'Data iliyobaki',
  expires: 'Inaisha',
  notStarted: 'Inaanza kuhesabu utakapounganishwa mara ya kwanza',
  unlimited: 'Bila kikomo',
  devices: 'Vifaa',
  statusActive: 'Inatumika',
  statusExpired: 'Imeisha muda',
  statusExhausted: 'Imetumika yote',
  statusRevoked: 'Imefutwa',
};

export type Messages = typeof en;

export function messages(lang: Lang): Messages {
  return lang === 'sw' ? sw : en;
}
