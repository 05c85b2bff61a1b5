/**
 * Word lists for the demo retailer: a UK omnichannel retailer whose customers come from the communities
 * that live in British cities. Written for this project; names are common ones, not real people.
 */

/** Lists are written pipe-separated to keep this file readable. */
const list = (pipeSeparated: string): readonly string[] => pipeSeparated.split('|');

export interface NameBackground {
  readonly id: string;
  /** share of the population */
  readonly weight: number;
  readonly female: readonly string[];
  readonly male: readonly string[];
  /** most common first: the generator gives earlier names more weight (a Zipf-like tail) */
  readonly family: readonly string[];
}

export const NAME_BACKGROUNDS: readonly NameBackground[] = [
  {
    id: 'british',
    weight: 0.62,
    female: list(
      'Sarah|Emma|Elizabeth|Charlotte|Olivia|Emily|Jessica|Rebecca|Katherine|Margaret|Jennifer|' +
        'Victoria|Hannah|Lucy|Amelia|Chloe|Megan|Rachel|Helen|Catherine|Alice|Eleanor|Isabella|' +
        'Sophia|Ella|Florence|Abigail|Susan|Patricia|Deborah|Josephine|Jacqueline|Grace|Sophie|' +
        'Laura|Ruby|Poppy|Zoë|Freya|Imogen|Harriet|Joanne|Karen|Nicola|Gemma|Danielle|Beverley',
    ),
    male: list(
      'James|William|Thomas|Robert|Richard|Michael|Christopher|Alexander|Daniel|Samuel|Joseph|' +
        'Benjamin|Matthew|Nicholas|Jonathan|Harry|Oliver|George|Charlie|Edward|Henry|David|Andrew|' +
        'Peter|Stephen|Anthony|Philip|Timothy|Gregory|Kenneth|Ronald|Frederick|Jack|Ryan|Theo|Leo|' +
        'Lewis|Adam|Ethan|Noah|Gareth|Craig|Darren|Wayne|Rhys|Callum|Jamal|Dwayne',
    ),
    family: list(
      'Smith|Jones|Williams|Taylor|Brown|Davies|Evans|Wilson|Thomas|Johnson|Roberts|Robinson|' +
        'Thompson|Wright|Walker|White|Edwards|Hughes|Green|Hall|Lewis|Harris|Clarke|Jackson|Wood|' +
        'Turner|Martin|Cooper|Hill|Ward|Morris|Moore|Clark|King|Baker|Harrison|Morgan|Allen|James|' +
        'Scott|Phillips|Watson|Davis|Parker|Price|Bennett|Young|Griffiths|Mitchell|Cook|Carter|' +
        'Richardson|Bailey|Collins|Bell|Shaw|Miller|Cox|Richards|Marshall|Anderson|Simpson|Ellis|' +
        'Adams|Wilkinson|Foster|Chapman|Powell|Webb|Rogers|Gray|Mason|Hunt|Campbell|Matthews|Owen|' +
        'Palmer|Holmes|Mills|Barnes|Knight|Lloyd|Butler|Russell|Barker|Fisher|Stevens|Jenkins|' +
        'Murray|Dixon|Harvey|Graham|Pearson|Fletcher|Gibson|Howard|Andrews|Stewart|Elliott|Reynolds|' +
        'Saunders|Payne|Fox|Ford|Pearce|Day|Brooks|Lawrence|Atkinson|Spencer|Dawson|Burton|Watts|' +
        'Rose|Booth|Perry|Grant|Armstrong|Francis|Rees|Hart|Hudson|Newman|Webster|Hunter|Gregory|' +
        'Lowe|MacDonald|Mackenzie|MacLeod|Robertson|Fraser|Llewellyn|Pritchard|Vaughan|Ashworth|' +
        'Greenwood|Featherstone|Winterbottom|Higginbotham|Entwistle|Braithwaite',
    ),
  },
  {
    id: 'irish',
    weight: 0.05,
    female: list('Siobhan|Aoife|Niamh|Ciara|Saoirse|Orla|Róisín|Mary|Bridget|Sinéad'),
    male: list('Patrick|Sean|Ciaran|Declan|Conor|Liam|Eoin|Niall|Padraig|Cormac'),
    family: list(
      "Murphy|Kelly|O'Brien|Walsh|Byrne|Ryan|O'Connor|O'Neill|O'Sullivan|McCarthy|Doyle|Kennedy|" +
        'Lynch|Quinn|Gallagher|Ó Súilleabháin|Fitzgerald',
    ),
  },
  {
    id: 'south-asian',
    weight: 0.09,
    female: list(
      'Priya|Aisha|Fatima|Anjali|Sana|Nusrat|Harpreet|Deepa|Kavita|Zainab|Ayesha|Simran|Shabana|' + 'Nadia',
    ),
    male: list(
      'Mohammed|Muhammad|Rahul|Arjun|Imran|Sanjay|Harpreet|Gurpreet|Amir|Rajesh|Vikram|Tariq|' +
        'Aarav|Kabir',
    ),
    family: list(
      'Patel|Khan|Singh|Begum|Ali|Hussain|Ahmed|Kaur|Shah|Rahman|Miah|Chowdhury|Islam|Sharma|' +
        'Kumar|Gupta|Mistry|Desai|Joshi|Mehta|Iyer|Uddin|Bibi|Akhtar',
    ),
  },
  {
    id: 'east-asian',
    weight: 0.04,
    female: list('Mei|Xiu Ying|Li Na|Hui|Yuki|Linh|Thu|Ji-woo|Min-ji|Jing'),
    male: list('Wei|Jun|Hao|Ming|Tuan|Minh|Hiroshi|Kenji|Min-jun|Zhi Hao'),
    family: list('Chen|Wang|Li|Zhang|Liu|Wong|Chan|Nguyen|Tran|Kim|Park|Lam|Ng'),
  },
  {
    id: 'central-european',
    weight: 0.06,
    female: list('Agnieszka|Katarzyna|Małgorzata|Anna|Zuzanna|Ioana|Elena|Andreea|Ewa'),
    male: list('Łukasz|Piotr|Krzysztof|Tomasz|Jakub|Andrei|Mihai|Marek|Paweł'),
    family: list(
      'Nowak|Kowalski|Wiśniewska|Wójcik|Kowalczyk|Kamińska|Lewandowski|Popescu|Ionescu|Popa|' +
        'Müller|Schmidt|Novák|Horváth',
    ),
  },
  {
    id: 'west-african',
    weight: 0.04,
    female: list('Chiamaka|Ngozi|Adaeze|Folake|Abena|Ama|Oluwaseun|Blessing|Temitope'),
    male: list('Chinedu|Oluwaseun|Emeka|Kwame|Kofi|Tunde|Babajide|Femi|Olumide'),
    family: list('Okafor|Adeyemi|Okonkwo|Mensah|Asante|Adebayo|Oyelaran|Boateng|Eze|Owusu'),
  },
  {
    id: 'southern-european',
    weight: 0.05,
    female: list('Giulia|Francesca|María|Lucía|Inês|Beatriz|Chiara|Carmen|Élodie'),
    male: list('Marco|Luca|José|Javier|João|Miguel|Alessandro|Pablo|Sébastien'),
    family: list(
      'Rossi|Russo|Ferrari|Esposito|García|Fernández|Rodríguez|López|Martínez|Silva|Santos|' +
        'Ferreira|Costa|Dubois|Moreau|De Souza|Da Costa',
    ),
  },
  {
    id: 'middle-eastern',
    weight: 0.05,
    female: list('Layla|Maryam|Noor|Hiba|Amira|Elif|Zeynep|Hodan|Farhiya'),
    male: list('Omar|Yusuf|Ahmed|Karim|Hassan|Mehmet|Emre|Abdirahman|Mustafa'),
    family: list(
      'Mohamed|Hassan|Ibrahim|Abdi|Farah|Abdullah|Haddad|Mansour|Yılmaz|Kaya|Demir|Öztürk|' +
        'Al-Sayed|El-Amin',
    ),
  },
];

export interface City {
  readonly name: string;
  readonly region: string;
  /** postcode area letters, e.g. M for Manchester */
  readonly areas: readonly string[];
  readonly weight: number;
  /** dialling code used for landlines, with the trunk 0 */
  readonly landline: string;
}

export const CITIES: readonly City[] = [
  { name: 'London', region: 'London', areas: list('E|N|SE|SW|W|NW'), weight: 30, landline: '020' },
  { name: 'Birmingham', region: 'West Midlands', areas: ['B'], weight: 8, landline: '0121' },
  { name: 'Manchester', region: 'North West', areas: ['M'], weight: 7, landline: '0161' },
  { name: 'Leeds', region: 'Yorkshire', areas: ['LS'], weight: 5, landline: '0113' },
  { name: 'Glasgow', region: 'Scotland', areas: ['G'], weight: 5, landline: '0141' },
  { name: 'Liverpool', region: 'North West', areas: ['L'], weight: 4, landline: '0151' },
  { name: 'Bristol', region: 'South West', areas: ['BS'], weight: 4, landline: '0117' },
  { name: 'Sheffield', region: 'Yorkshire', areas: ['S'], weight: 4, landline: '0114' },
  { name: 'Edinburgh', region: 'Scotland', areas: ['EH'], weight: 4, landline: '0131' },
  { name: 'Cardiff', region: 'Wales', areas: ['CF'], weight: 3, landline: '029' },
  { name: 'Newcastle upon Tyne', region: 'North East', areas: ['NE'], weight: 3, landline: '0191' },
  { name: 'Nottingham', region: 'East Midlands', areas: ['NG'], weight: 3, landline: '0115' },
  { name: 'Leicester', region: 'East Midlands', areas: ['LE'], weight: 3, landline: '0116' },
  { name: 'Belfast', region: 'Northern Ireland', areas: ['BT'], weight: 3, landline: '028' },
  { name: 'Southampton', region: 'South East', areas: ['SO'], weight: 2, landline: '023' },
  { name: 'Brighton', region: 'South East', areas: ['BN'], weight: 2, landline: '01273' },
  { name: 'Reading', region: 'South East', areas: ['RG'], weight: 2, landline: '0118' },
  { name: 'Coventry', region: 'West Midlands', areas: ['CV'], weight: 2, landline: '024' },
  { name: 'Bradford', region: 'Yorkshire', areas: ['BD'], weight: 2, landline: '01274' },
  { name: 'York', region: 'Yorkshire', areas: ['YO'], weight: 1, landline: '01904' },
  { name: 'Norwich', region: 'East of England', areas: ['NR'], weight: 1, landline: '01603' },
  { name: 'Oxford', region: 'South East', areas: ['OX'], weight: 1, landline: '01865' },
  { name: 'Cambridge', region: 'East of England', areas: ['CB'], weight: 1, landline: '01223' },
  { name: 'Aberdeen', region: 'Scotland', areas: ['AB'], weight: 1, landline: '01224' },
];

export const STREET_NAMES: readonly string[] = list(
  'High|Station|Church|Victoria|Park|Mill|Green|Manor|Kings|Queens|School|New|Grange|' +
    'Springfield|Windsor|Albert|Highfield|Chapel|Orchard|Meadow|York|Beech|Oak|Elm|Willow|Cedar|' +
    'Ash|Holly|Rowan|Hawthorn|Chestnut|Alexandra|Stanley|Trinity|Cromwell|Brunswick|Clarence|' +
    'Denmark|Wellington|Nelson|Belmont|Castle|Bridge|Market|Riverside|Canal|Heath|Moor|Hill|' +
    'Valley|Lansdowne',
);

/** Street types with the abbreviations sources write; identity normalisation has to undo them. */
export const STREET_TYPES: readonly (readonly [string, string])[] = [
  ['Road', 'Rd'],
  ['Street', 'St'],
  ['Avenue', 'Ave'],
  ['Lane', 'Ln'],
  ['Close', 'Cl'],
  ['Drive', 'Dr'],
  ['Crescent', 'Cres'],
  ['Gardens', 'Gdns'],
  ['Terrace', 'Terr'],
  ['Way', 'Wy'],
  ['Place', 'Pl'],
];

export const EMAIL_PROVIDERS: readonly (readonly [string, number])[] = [
  ['gmail.com', 34],
  ['hotmail.co.uk', 12],
  ['outlook.com', 10],
  ['yahoo.co.uk', 8],
  ['icloud.com', 9],
  ['btinternet.com', 5],
  ['hotmail.com', 5],
  ['live.co.uk', 4],
  ['sky.com', 3],
  ['googlemail.com', 2],
  ['protonmail.com', 2],
  ['virginmedia.com', 2],
];

/** Providers that ignore dots in the local part (Gmail) and that honour plus-tags. */
export const DOT_INSENSITIVE_PROVIDERS = new Set(['gmail.com', 'googlemail.com']);
/** Domains that reach the same mailbox as another domain (a googlemail.com address is a gmail.com one). */
export const MAILBOX_DOMAIN_ALIASES: ReadonlyMap<string, string> = new Map([['googlemail.com', 'gmail.com']]);
export const PLUS_TAG_PROVIDERS = new Set(
  list('gmail.com|googlemail.com|outlook.com|icloud.com|protonmail.com'),
);

export const MARKETPLACES: readonly string[] = ['Amazon', 'eBay', 'OnBuy'];
export const CARRIERS: readonly string[] = list('Royal Mail|DPD|Evri|DHL|Yodel');

export interface CategorySpec {
  readonly id: string;
  readonly code: string;
  readonly items: readonly string[];
  readonly priceRange: readonly [number, number];
  /** unit cost as a share of list price */
  readonly costRatio: readonly [number, number];
  /** baseline share of units returned (apparel and footwear come back far more often) */
  readonly returnBase: number;
  readonly weight: number;
}

export const CATEGORIES: readonly CategorySpec[] = [
  {
    id: 'womenswear',
    code: 'WW',
    items: list('Wrap Dress|Linen Shirt|Midi Skirt|Wool Coat|Knit Jumper|Wide-Leg Trousers|Blouse'),
    priceRange: [18, 140],
    costRatio: [0.35, 0.5],
    returnBase: 0.14,
    weight: 22,
  },
  {
    id: 'menswear',
    code: 'MW',
    items: list('Oxford Shirt|Chinos|Denim Jacket|Merino Crew Neck|Rain Jacket|Polo Shirt|Suit Jacket'),
    priceRange: [15, 160],
    costRatio: [0.35, 0.5],
    returnBase: 0.11,
    weight: 18,
  },
  {
    id: 'footwear',
    code: 'FW',
    items: list('Leather Trainers|Chelsea Boots|Running Shoes|Sandals|Loafers|Walking Boots'),
    priceRange: [25, 150],
    costRatio: [0.4, 0.55],
    returnBase: 0.13,
    weight: 12,
  },
  {
    id: 'home',
    code: 'HM',
    items: list('Cotton Bedding Set|Table Lamp|Throw Blanket|Stoneware Mugs|Bath Towels|Cushion Cover'),
    priceRange: [8, 90],
    costRatio: [0.4, 0.6],
    returnBase: 0.04,
    weight: 16,
  },
  {
    id: 'beauty',
    code: 'BT',
    items: list('Face Serum|Body Lotion|Perfume|Lip Balm Set|Hair Oil|Gift Set'),
    priceRange: [5, 70],
    costRatio: [0.3, 0.45],
    returnBase: 0.02,
    weight: 12,
  },
  {
    id: 'electronics',
    code: 'EL',
    items: list('Wireless Earbuds|Phone Case|Smart Speaker|Charging Cable|Fitness Tracker'),
    priceRange: [10, 180],
    costRatio: [0.6, 0.78],
    returnBase: 0.05,
    weight: 8,
  },
  {
    id: 'kids',
    code: 'KD',
    items: list('School Shoes|Pyjama Set|Puffer Jacket|Wooden Toy|Backpack'),
    priceRange: [6, 60],
    costRatio: [0.4, 0.55],
    returnBase: 0.07,
    weight: 12,
  },
];

export const PRODUCT_ADJECTIVES: readonly string[] = list(
  'Classic|Organic|Slim|Relaxed|Essential|Premium|Recycled|Everyday|Heritage|Soft',
);

export const RETURN_REASON_TEXT: Readonly<Record<string, readonly string[]>> = {
  size_or_fit: ['Too small', 'Too big, ordered two sizes', 'Did not fit well around the shoulders'],
  damaged: ['Arrived with a tear in the fabric', 'Box crushed and item broken', 'Stain on the front'],
  wrong_item: ['Received a different colour', 'Wrong size sent', 'Not the item I ordered'],
  not_as_described: ['Colour looks different from the photos', 'Material feels cheaper than described'],
  late_delivery: ['Arrived after the event I needed it for', 'Delivery took two weeks too long'],
  changed_mind: ['No longer needed', 'Bought elsewhere cheaper', 'Changed my mind'],
  other: ['Gift not wanted', 'Duplicate order'],
};
