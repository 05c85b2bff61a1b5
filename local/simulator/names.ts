/**
 * How often each name comes up, per background: the hand-written common names in vocabulary.ts are the head
 * of the distribution, and a long tail made here from roots and endings (Ash + worth, Jan + owski, Ade + yemi)
 * gives the thousands of rare surnames a real customer base has. Without the tail almost everybody has a
 * namesake, which no real data has. Written for this project; the parts are common name elements, and a
 * generated name may or may not exist.
 *
 * Everything here is fixed: the tails are made in a fixed order and shuffled with a fixed seed, so a name's
 * frequency rank is the same in every simulation (as in a real country) and the seed only changes who gets it.
 */
import { Prng } from './prng.js';
import { NAME_BACKGROUNDS, type NameBackground } from './vocabulary.js';

const list = (pipeSeparated: string): readonly string[] => pipeSeparated.split('|');

/** Names with fixed weights, drawn with one random number (binary search over the cumulative weights). */
export class NameTable {
  readonly names: readonly string[];
  private readonly cumulative: Float64Array;

  constructor(weighted: readonly (readonly [string, number])[]) {
    if (weighted.length === 0) throw new Error('NameTable: no names to draw from');
    this.names = weighted.map(([name]) => name);
    this.cumulative = new Float64Array(weighted.length);
    let total = 0;
    weighted.forEach(([name, weight], i) => {
      if (!(weight > 0)) throw new Error(`NameTable: weight of ${name} must be positive, got ${weight}`);
      total += weight;
      this.cumulative[i] = total;
    });
  }

  pick(rng: Prng): string {
    const x = rng.next() * (this.cumulative[this.cumulative.length - 1] ?? 0);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 0) > x) high = mid;
      else low = mid + 1;
    }
    return this.names[low] as string;
  }

  /** Probability of drawing this name (0 when it is not in the table). */
  share(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) return 0;
    const total = this.cumulative[this.cumulative.length - 1] ?? 1;
    return ((this.cumulative[i] ?? 0) - (i > 0 ? (this.cumulative[i - 1] ?? 0) : 0)) / total;
  }
}

/** Zipf-like weights by rank: early entries come up far more often than late ones. */
const zipf = (names: readonly string[], exponent: number) =>
  names.map((name, rank) => [name, 1 / (rank + 1.5) ** exponent] as const);

/** The head keeps `headShare` of the draws with its own Zipf; the tail (minus head names) shares the rest. */
function headAndTail(
  head: readonly string[],
  headExponent: number,
  headShare: number,
  tail: readonly string[],
  tailExponent: number,
): NameTable {
  const inHead = new Set(head.map((n) => n.toLowerCase()));
  const rest = tail.filter((n) => !inHead.has(n.toLowerCase()));
  const scaled = (items: readonly (readonly [string, number])[], share: number) => {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    return items.map(([n, w]) => [n, (w / total) * share] as const);
  };
  if (rest.length === 0 || headShare >= 1) return new NameTable(zipf(head, headExponent));
  return new NameTable([
    ...scaled(zipf(head, headExponent), headShare),
    ...scaled(zipf(rest, tailExponent), 1 - headShare),
  ]);
}

/** Every root with every ending, in a fixed shuffled order; `join` may refuse a pair by returning undefined. */
function compounds(
  label: string,
  roots: readonly string[],
  endings: readonly string[],
  join: (root: string, ending: string) => string | undefined = (r, e) => r + e,
): string[] {
  const out = new Set<string>();
  for (const root of roots) {
    for (const ending of endings) {
      const name = join(root, ending);
      if (name) out.add(name);
    }
  }
  return Prng.derive(0x7e55e4a, `names:${label}`).shuffle([...out]);
}

/** Interleaves lists so that each keeps its share of the early (common) ranks. */
function interleave(...lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i] as string);
  return [...new Set(out)];
}

/** English place-name compounds, minus awkward joins (Ash + shaw) and tripled letters. */
function englishJoin(root: string, ending: string): string | undefined {
  const last = root.at(-1) ?? '';
  if (last === ending[0] || (root.endsWith('h') && ending.startsWith('h'))) return undefined;
  return root + ending;
}

const BRITISH_TAIL = (): readonly string[] => {
  const toponymic = compounds(
    'british-toponymic',
    list(
      'Ash|Black|Brad|Brom|Bur|Chad|Char|Clay|Cliff|Cold|Crab|Crow|Dun|Ed|Elm|Fair|Farn|Fern|Gold|Grim|Hal|' +
        'Hart|Hath|Hay|Hol|Horn|Kirk|Lang|Lid|Lin|Mar|Mid|Mil|Nor|Oak|Ot|Pen|Rad|Red|Rock|Roth|Rush|Sal|Sand|' +
        'Shel|Stan|Stock|Sut|Thorn|Tod|Wad|Wake|Wal|Wes|Whit|Wind|Wood|Wolf|Brook|Cran|Hamp|Lock|Mor|Tat|Kel|' +
        'Ark|Barn|Bick|Bram|Cal|Car|Dal|Dray|Eg|Green|Ham|Hen|Hud|Ley|Long|Mal|Mel|Pad|Pick|Ram|Roch|Ship|' +
        'Sher|Skel|Stain|Sud|Swin|Thurl|Twy|Ul|Wen|Wig|Wort',
    ),
    list(
      'worth|burn|field|ley|ton|by|ham|wood|ford|well|shaw|stone|bridge|more|wick|thorpe|combe|hurst|den|' +
        'croft|dale|hall|land|bury|cott|leigh|holme|gate|low|mere|stead|wade|brook|over',
    ),
    englishJoin,
  );
  const patronymic = compounds(
    'british-patronymic',
    list(
      'Dick|Hob|Jeff|Wat|Per|Hop|Tom|Wil|Rob|Ad|Sim|Gib|Hod|Daw|Col|Nic|Jen|Hut|Dob|Hew|Mat|Pat|Bat|Rawl|' +
        'Hug|Ral|Gil|Lam|Pet|Rog|Hal|Dav|Ander|Ed|Mor|Nel|Ran|Ter|Wal|Jack',
    ),
    list('son|kins|kinson|cock|ling|ett'),
    englishJoin,
  );
  const scottish = compounds(
    'british-mac',
    list('Mac|Mc'),
    list(
      'Allister|Arthur|Bain|Callum|Dougall|Farlane|Gregor|Intosh|Intyre|Kay|Lean|Lennan|Millan|Nab|Naughton|' +
        'Pherson|Rae|Ritchie|Taggart|Queen|Kinnon|Innes|Ewan|Gill|Crae|Ivor|Alpine|Aulay|Coll|Cormick|Fadyen|' +
        'Gowan|Hardy|Master|Nair|Neil|Nicol|Phail|Quarrie|Vicar|Kechnie|Lachlan|Murdo|Conachie',
    ),
  );
  const occupational = compounds(
    'british-occupational',
    list('Cart|Wain|Wheel|Ark|Boat|Ship|Plough|Gold|Arrow|Shoe|Nail|Copper|Tin|Lock|Sword|Black|Wool|Salt'),
    list('wright|smith|man|er'),
    englishJoin,
  );
  return interleave(toponymic, patronymic, scottish, occupational);
};

const IRISH_TAIL = (): readonly string[] =>
  interleave(
    compounds(
      'irish-o',
      ["O'"],
      list(
        'Donnell|Keeffe|Hara|Reilly|Rourke|Shea|Toole|Dwyer|Leary|Mahony|Callaghan|Donovan|Driscoll|' +
          'Flaherty|Gorman|Halloran|Kane|Loughlin|Malley|Regan|Dowd|Mara|Meara|Carroll|Brennan|Grady|' +
          'Hanlon|Keane|Riordan|Sullivan|Dea|Farrell|Gara|Higgins|Connell|Boyle|Dohert',
      ),
      (p, s) => (s.endsWith('t') ? undefined : p + s),
    ),
    compounds(
      'irish-mc',
      list('Mc|Mac'),
      list(
        'Grath|Mahon|Namara|Donagh|Guinness|Kenna|Cann|Guire|Laughlin|Manus|Bride|Dermott|Govern|Hugh|' +
          'Keown|Kiernan|Nally|Nulty|Sweeney|Elroy|Cabe|Carthy|Garry|Gee|Gowan|Inerney|Loughlin|Entee|Geough',
      ),
    ),
    list(
      'Brennan|Daly|Dunne|Farrell|Hayes|Healy|Hogan|Keane|Kearney|Maguire|Moran|Nolan|Power|Regan|' +
        'Shanahan|Tierney|Whelan|Cullen|Duffy|Flanagan|Fogarty|Hennessy|Kavanagh|Lonergan|Moloney|Mulligan|' +
        'Phelan|Rooney|Scanlon|Sheehan|Tobin|Bolger|Cassidy|Clancy|Costello|Delaney|Devlin|Egan|Feeney|Gilmore',
    ),
  );

/** Polish names agree with the person: Kowalski for him, Kowalska for her (likewise -cki/-cka, -dzki/-dzka). */
const POLISH_ROOTS = list(
  'Adam|Jan|Paw|Mar|Stan|Woj|Kaz|Bog|Mich|Tom|Piotr|Grzeg|Jak|Mat|Sob|Wil|Kras|Les|Dom|Zaw|Bor|Dąbr|Gór|' +
    'Las|Pol|Sad|Wol|Łęk|Kwiat|Ryb|Sosn|Lip|Olsz|Buk|Jabł|Kraw|Szew|Mazur|Kozł|Zając|Wróbl|Sikor|Głow|Krup|' +
    'Mal|Nowak|Pietr|Wit|Zdun|Kubi|Rad|Sław|Dudz|Kuch|Gaw|Wach',
);

const CENTRAL_EUROPEAN_TAIL = (): readonly string[] =>
  interleave(
    compounds('polish', POLISH_ROOTS, list('owski|ewski|iński|czyk|kiewicz|iak|ecki'), (root, ending) => {
      // Soft and hard stems take different vowels; keep the joins Polish speakers would recognise.
      if (/[ńćśźżcz]$/.test(root) && /^[ioe]/.test(ending) && ending !== 'ewski') return undefined;
      if (root.endsWith('k') && ending === 'ecki') return undefined;
      return root + ending;
    }),
    compounds(
      'romanian',
      list(
        'Stan|Dumitr|Radul|Georg|Constantin|Marin|Vasil|Petr|Munt|Moldov|Stoic|Tudor|Lup|Nicul|Ciob|' +
          'Dobr|Manol|Iord|Nedel|Barb|Sand|Gheorgh|Ili|Tom|Mih',
      ),
      list('escu|eanu'),
    ),
    list(
      'Dvořák|Černý|Procházka|Kučera|Veselý|Svoboda|Novotný|Nagy|Kovács|Tóth|Szabó|Varga|Kiss|Molnár|' +
        'Fischer|Weber|Meyer|Wagner|Becker|Hoffmann|Schulz|Koch|Petrov|Ivanov|Horvat|Kovačević|Babić',
    ),
  );

const WEST_AFRICAN_TAIL = (): readonly string[] =>
  interleave(
    compounds(
      'yoruba',
      list('Ade|Ola|Olu|Ayo|Oye|Ogun|Fola|Bami|Ife|Akin|Ojo|Ige|Oni|Aji|Ilesan'),
      list('yemi|wale|bayo|kunle|tunde|dele|yinka|femi|sola|seun|tola|jide|mola|leye|biyi|lana|mi|wumi'),
      (root, ending) => (root.at(-1) === ending[0] ? undefined : root + ending),
    ),
    compounds(
      'igbo',
      list('Nwa|Oko|Chukwu|Eze|Obi|Nna|Ike|Uche|Onye'),
      list('chukwu|nkwo|ro|emeka|ke|agu|dike|kwe|oma|nna|ogu|ji'),
      (root, ending) => (root.toLowerCase() === ending ? undefined : root + ending),
    ),
    list(
      'Appiah|Osei|Agyeman|Acheampong|Amoah|Ofori|Darko|Addo|Ansah|Bonsu|Opoku|Sarpong|Yeboah|Antwi|' +
        'Frimpong|Gyamfi|Kyei|Quaye|Tetteh|Annan|Boakye|Danso|Kusi|Mireku|Nyarko|Ampofo|Badu|Sackey|' +
        'Bangura|Kamara|Sesay|Conteh|Jalloh|Diallo|Traoré|Koroma|Turay',
    ),
  );

const MIDDLE_EASTERN_TAIL = (): readonly string[] =>
  interleave(
    compounds(
      'turkish',
      list('Öz|Kara|Ak|Demir|Yıl|Er|Gül|Ay|Taş|Kılıç|Tek|Bay|Şen|Kurt|Gök|Yurt|Çakır|Polat|Uğur|Doğan'),
      list('türk|kaya|soy|han|dağ|oğlu|can|tekin|taş|yurt|el|ok|bay|er|demir|alp|kan|dal'),
      (root, ending) =>
        root.toLowerCase() === ending || root.at(-1) === ending[0] ? undefined : root + ending,
    ),
    compounds(
      'arabic-nisba',
      list('Al-|El-'),
      list(
        'Masri|Khatib|Hashimi|Najjar|Tamimi|Zahrani|Shami|Baghdadi|Halabi|Qureshi|Amin|Rashid|Hakim|' +
          'Sharif|Hariri|Ansari|Bakri|Jaber|Nasser|Obeidi|Saadi|Zein',
      ),
    ),
    // Somali and many Arab families carry a father's or grandfather's given name.
    list(
      'Ali|Ahmed|Hussein|Osman|Warsame|Jama|Abdullahi|Nur|Yusuf|Aden|Egal|Said|Khalil|Saleh|Mahmoud|' +
        'Mustafa|Karimi|Hosseini|Rahimi|Mohammadi|Ahmadi|Rezaei|Moradi|Jafari|Sadeghi|Kazemi',
    ),
  );

const SOUTH_ASIAN_TAIL = (): readonly string[] =>
  interleave(
    // Punjabi clan names, Gujarati, Bengali, Pakistani and South Indian family names.
    list(
      'Gill|Sandhu|Dhillon|Sidhu|Grewal|Bains|Johal|Atwal|Kang|Virk|Sahota|Bassi|Rai|Hayer|Mann|Toor|' +
        'Dosanjh|Chahal|Kalsi|Bhogal|Sangha|Sohal|Randhawa|Bhatti|Cheema|Malhi|Dhaliwal|Purewal|Riyat|Basra',
    ),
    list(
      'Parmar|Solanki|Chauhan|Makwana|Chavda|Rathod|Lad|Modi|Thakkar|Pandya|Vyas|Bhatt|Trivedi|Dave|' +
        'Raval|Panchal|Soni|Kotecha|Lakhani|Ruparelia|Thakrar|Pattni|Morjaria|Chandarana|Somaiya|Vaghela',
    ),
    list(
      'Haque|Hoque|Alam|Karim|Sarkar|Das|Roy|Ghosh|Bose|Sen|Mukherjee|Chatterjee|Banerjee|Dutta|Saha|' +
        'Talukdar|Mahmood|Iqbal|Aslam|Butt|Malik|Mirza|Qureshi|Siddiqui|Raza|Javed|Nawaz|Sheikh|Anwar|Zaman',
    ),
    list(
      'Nair|Menon|Pillai|Reddy|Rao|Naidu|Krishnan|Subramanian|Raman|Srinivasan|Kannan|Murugan|Sivakumar|' +
        'Rajan|Varma|Agarwal|Bansal|Jain|Kapoor|Khanna|Malhotra|Chopra|Arora|Sethi|Anand|Verma|Saxena|Tiwari',
    ),
  );

/** Genuinely few: most Chinese, Korean and Vietnamese people share a handful of family names. */
const EAST_ASIAN_TAIL = (): readonly string[] =>
  list(
    'Huang|Zhao|Zhou|Wu|Xu|Sun|Ma|Zhu|Hu|Guo|He|Lin|Luo|Gao|Liang|Cheung|Ho|Yip|Tang|Leung|Lau|Yeung|Lee|' +
      'Choi|Kang|Yoon|Jang|Lim|Pham|Hoang|Le|Vu|Dang|Bui|Do|Tanaka|Sato|Suzuki|Takahashi|Watanabe|Fong|' +
      'Kwok|Tse|Poon|Cheng|Yu|Song|Han|Shin|Seo',
  );

const SOUTHERN_EUROPEAN_TAIL = (): readonly string[] =>
  interleave(
    list(
      'Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|Mancini|Giordano|Rizzo|Lombardi|' +
        'Moretti|Barbieri|Fontana|Santoro|Mariani|Rinaldi|Caruso|Ferrara|Galli|Martini|Leone|Longo|Gentile|' +
        'Martinelli|Vitale|Serra|Coppola|Villa|Cattaneo|Fabbri|Bellini|Sartori|Orlando|Pellegrini|Palumbo',
    ),
    compounds(
      'italian-di',
      list('Di |De '),
      list(
        'Marco|Stefano|Giovanni|Pietro|Paolo|Lorenzo|Martino|Matteo|Vito|Angelis|Santis|Rosa|Simone|Carlo',
      ),
      (p, s) => (p === 'Di ' && /^(Angelis|Santis|Rosa)$/.test(s) ? undefined : p + s),
    ),
    list(
      'González|Hernández|Pérez|Sánchez|Ramírez|Gómez|Díaz|Álvarez|Jiménez|Ruiz|Suárez|Domínguez|Vázquez|' +
        'Benítez|Méndez|Núñez|Ortega|Delgado|Castro|Ortiz|Rubio|Molina|Morales|Navarro|Romero|Torres|Gil',
    ),
    list(
      'Pereira|Oliveira|Rodrigues|Martins|Sousa|Fernandes|Gonçalves|Gomes|Lopes|Marques|Alves|Almeida|' +
        'Ribeiro|Pinto|Carvalho|Teixeira|Moreira|Correia|Mendes|Nunes|Vieira|Monteiro|Cardoso|Rocha|Neves|' +
        'Lefebvre|Leroy|Roux|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Vincent|Muller|Faure',
    ),
  );

/**
 * Given names: the head lists in vocabulary.ts plus longer tails. Real given names are concentrated (the
 * top hundred cover most people), so the tails are modest; Chinese and Korean given names are the exception,
 * made from syllables (Jia + hui, Seo + yeon), and so are nearly as varied as the family names are not.
 */
const chinese = (label: string, syllables: string) =>
  compounds(label, list(syllables), list(syllables), (a, b) => (a === b ? undefined : a + b.toLowerCase()));
const korean = (label: string, first: string, second: string) =>
  compounds(label, list(first), list(second), (a, b) => (a.toLowerCase() === b ? undefined : `${a}-${b}`));

/** The British head list of one gender (vocabulary.ts), for communities that share English given names. */
const british = (gender: 'female' | 'male'): readonly string[] =>
  NAME_BACKGROUNDS.find((b) => b.id === 'british')?.[gender] ?? [];

const GIVEN_TAILS: Readonly<
  Record<string, { female: () => readonly string[]; male: () => readonly string[] }>
> = {
  british: {
    female: () =>
      list(
        'Mary|Julie|Claire|Lisa|Michelle|Amanda|Louise|Kelly|Angela|Tracey|Wendy|Linda|Carol|Janet|Jane|' +
          'Ann|Anne|Christine|Gillian|Alison|Fiona|Kirsty|Lauren|Amy|Natalie|Stephanie|Kate|Holly|Georgia|' +
          'Jade|Leanne|Samantha|Paula|Sharon|Tracy|Dawn|Diane|Julia|Caroline|Philippa|Rosie|Evie|Isla|Ivy|' +
          'Mia|Lily|Matilda|Phoebe|Millie|Daisy|Erin|Bethany|Naomi|Ruth|Esther|Pauline|Brenda|Maureen|Sheila|' +
          'Valerie|Hazel|Jean|Joan|Doreen|Sylvia|Rosemary|Vanessa|Joanna|Kathryn|Sally|Tessa|Frances|Bethan|' +
          'Cerys|Catrin|Eilidh|Morag|Kirsten|Shona|Ailsa|Heather|Lorna|Maisie|Elsie|Edith|Martha|Beatrice|' +
          'Clara|Iris|Violet|Hollie|Chelsea|Kayleigh|Shannon|Jodie|Toni|Marie|Yvonne|Lesley|Jill|Penelope',
      ),
    male: () =>
      list(
        'John|Paul|Mark|Ian|Simon|Neil|Graham|Martin|Keith|Colin|Barry|Trevor|Nigel|Alan|Brian|Derek|' +
          'Gary|Kevin|Lee|Dean|Jason|Carl|Scott|Stuart|Steven|Jamie|Luke|Joshua|Jacob|Tom|Sam|Ben|Max|Alfie|' +
          'Archie|Freddie|Oscar|Arthur|Albert|Archibald|Hugh|Rupert|Giles|Toby|Hamish|Angus|Fraser|Ewan|' +
          'Alistair|Duncan|Iain|Gordon|Malcolm|Ross|Kyle|Dylan|Owen|Dafydd|Huw|Gethin|Ieuan|Emyr|Aled|' +
          'Geoffrey|Raymond|Roger|Dennis|Terence|Leslie|Gerald|Howard|Victor|Roy|Clive|Malcolm|Vincent|' +
          'Jake|Connor|Reece|Bradley|Ashley|Shane|Glen|Russell|Mitchell|Elliot|Harvey|Louis|Finley|Reuben|' +
          'Sebastian|Hugo|Felix|Jasper|Rory|Cameron|Aaron|Nathan|Marcus|Dominic|Simon|Julian|Ashton|Elliott',
      ),
  },
  // Irish families in Britain give English names as often as Irish ones; so do many West African ones.
  irish: {
    female: () =>
      interleave(
        list('Aisling|Caoimhe|Clodagh|Deirdre|Eimear|Gráinne|Maeve|Nuala|Sorcha|Úna|Fionnuala|Catriona'),
        british('female'),
      ),
    male: () =>
      interleave(
        list('Cathal|Colm|Dónal|Fergal|Finbar|Ronan|Oisín|Ruairí|Tadhg|Darragh|Diarmuid|Enda'),
        british('male'),
      ),
  },
  'south-asian': {
    female: () =>
      list(
        'Sunita|Neha|Pooja|Meera|Rupinder|Jaspreet|Manjit|Parveen|Rukhsana|Shazia|Farzana|Nazia|Rehana|' +
          'Salma|Tahmina|Rina|Anita|Geeta|Sangeeta|Lakshmi|Divya|Hina|Sadia|Amina|Mariam|Khadija|Asha|Nisha',
      ),
    male: () =>
      list(
        'Ravi|Anil|Sunil|Vijay|Deepak|Amit|Nikhil|Rohit|Sandeep|Jaswinder|Manjit|Kuldip|Sukhdev|Asif|Bilal|' +
          'Faisal|Hamza|Irfan|Kashif|Nadeem|Shahid|Zubair|Abdul|Shafiq|Anwar|Mahmood|Ajay|Hitesh|Nilesh|Kiran',
      ),
  },
  'east-asian': {
    female: () =>
      interleave(
        chinese(
          'chinese-female',
          'Jia|Hui|Xin|Yi|Zi|Yu|Ling|Xiao|Jing|Yan|Fang|Hong|Qing|Li|Mei|Ying|Lan|Shu|Wen|Xue',
        ),
        korean(
          'korean-female',
          'Seo|Ha|Ji|Su|Min|Ye|Chae|Yu|Da|Eun',
          'yeon|eun|woo|bin|ah|jin|hee|rin|seo|na',
        ),
        list('Linh|Thu|Huong|Lan|Mai|Hoa|Ngoc|Trang|Anh|Yuki|Aiko|Haruka|Sakura|Emi'),
      ),
    male: () =>
      interleave(
        chinese(
          'chinese-male',
          'Wei|Jun|Hao|Ming|Jie|Lei|Tao|Yang|Bo|Chen|Feng|Gang|Jian|Long|Peng|Qiang|Yong|Zhi|Kai|Rui',
        ),
        korean(
          'korean-male',
          'Min|Do|Ji|Seo|Jun|Ha|Hyun|Jae|Sung|Dong',
          'jun|ho|woo|hyun|min|seok|hoon|jin|su|won',
        ),
        list('Tuan|Minh|Duc|Hung|Long|Quang|Nam|Thanh|Khoa|Takeshi|Haruto|Daiki|Yuto|Ren'),
      ),
  },
  'central-european': {
    female: () =>
      list(
        'Magdalena|Joanna|Monika|Aleksandra|Natalia|Marta|Karolina|Dorota|Barbara|Justyna|Mihaela|Cristina|Irina|Petra|Eva|Lenka',
      ),
    male: () =>
      list(
        'Marcin|Michał|Paweł|Adam|Kamil|Mateusz|Wojciech|Grzegorz|Bartosz|Dariusz|Ionuț|Florin|Alexandru|Ștefan|Jan|Petr',
      ),
  },
  'west-african': {
    female: () =>
      interleave(
        list(
          'Funmilayo|Yetunde|Adaobi|Chioma|Nneka|Ifeoma|Efua|Akosua|Adwoa|Yaa|Abimbola|Omolara|Bukola|' +
            'Titilayo|Mariama|Fatmata|Grace|Joy|Precious|Favour|Mercy|Comfort|Patience|Gift',
        ),
        british('female'),
      ),
    male: () =>
      interleave(
        list(
          'Adebayo|Oluwafemi|Chukwuemeka|Ikechukwu|Obinna|Uchenna|Kwabena|Kwaku|Yaw|Kojo|Segun|Ayodele|' +
            'Damilola|Abdoulaye|Mamadou|Ibrahim|Emmanuel|Samuel|Daniel|Godwin|Prince|Victor|Isaac|Solomon',
        ),
        british('male'),
      ),
  },
  'southern-european': {
    female: () =>
      list(
        'Sofia|Valentina|Alessia|Martina|Elisa|Sara|Laura|Paula|Marta|Ana|Mariana|Catarina|Camille|Manon|' +
          'Chloé|Léa|Federica|Silvia|Roberta|Paola|Alba|Nerea|Cristina|Pilar|Rosa|Teresa|Joana|Rita|Sónia|' +
          'Mathilde|Juliette|Aurélie|Margaux|Inès',
      ),
    male: () =>
      list(
        'Francesco|Giuseppe|Matteo|Lorenzo|Andrea|Carlos|Antonio|Manuel|David|Pedro|Rui|Tiago|Nicolas|' +
          'Julien|Antoine|Mathieu|Giorgio|Stefano|Davide|Simone|Fabio|Sergio|Álvaro|Diego|Raúl|Adrián|' +
          'Nuno|Bruno|Ricardo|Hugo|Thomas|Guillaume|Pierre|Romain',
      ),
  },
  'middle-eastern': {
    female: () =>
      list(
        'Fatma|Ayşe|Emine|Hatice|Aylin|Deniz|Rania|Dalia|Yasmin|Salma|Huda|Sahra|Ayaan|Shukri|Ladan|Nasrin|Shirin|Leila',
      ),
    male: () =>
      list(
        'Ali|Mahmoud|Khalid|Tariq|Samir|Walid|Ibrahim|Bilal|Murat|Hakan|Burak|Kemal|Abdullahi|Mohamud|Said|Reza|Ahmad|Hamid',
      ),
  },
};

const FAMILY_TAILS: Readonly<Record<string, () => readonly string[]>> = {
  british: BRITISH_TAIL,
  irish: IRISH_TAIL,
  'south-asian': SOUTH_ASIAN_TAIL,
  'east-asian': EAST_ASIAN_TAIL,
  'central-european': CENTRAL_EUROPEAN_TAIL,
  'west-african': WEST_AFRICAN_TAIL,
  'southern-european': SOUTHERN_EUROPEAN_TAIL,
  'middle-eastern': MIDDLE_EASTERN_TAIL,
};

/**
 * How concentrated each background's names are: the share of people whose name is in the head list, and
 * the Zipf exponents. Tuned so that about one person in ten shares a full name with someone else among
 * 18,000 people, as in a real British customer base (Smith about 1.3%, the top hundred surnames about a
 * fifth of people); communities whose names really are few (Patel, Singh, Khan; Chen, Nguyen, Kim) keep
 * a strong head.
 */
const SHAPES: Readonly<Record<string, { familyHead: number; givenHead: number; tailExponent: number }>> = {
  british: { familyHead: 0.2, givenHead: 0.45, tailExponent: 0.5 },
  irish: { familyHead: 0.25, givenHead: 0.4, tailExponent: 0.6 },
  'south-asian': { familyHead: 0.35, givenHead: 0.4, tailExponent: 0.7 },
  'east-asian': { familyHead: 0.7, givenHead: 0.3, tailExponent: 0.6 },
  'central-european': { familyHead: 0.25, givenHead: 0.45, tailExponent: 0.6 },
  'west-african': { familyHead: 0.3, givenHead: 0.45, tailExponent: 0.6 },
  'southern-european': { familyHead: 0.25, givenHead: 0.4, tailExponent: 0.6 },
  'middle-eastern': { familyHead: 0.35, givenHead: 0.45, tailExponent: 0.6 },
};

export interface NameDistributions {
  readonly family: NameTable;
  readonly female: NameTable;
  readonly male: NameTable;
}

const built = new Map<string, NameDistributions>();

/** The name tables of a background, built once on first use. */
export function namesOf(background: NameBackground): NameDistributions {
  const known = built.get(background.id);
  if (known) return known;
  const shape = SHAPES[background.id];
  const familyTail = FAMILY_TAILS[background.id];
  const givenTail = GIVEN_TAILS[background.id];
  if (!shape || !familyTail || !givenTail) {
    throw new Error(`simulator: no name distribution for background ${background.id}; add it to names.ts`);
  }
  const tables: NameDistributions = {
    family: headAndTail(background.family, 0.9, shape.familyHead, familyTail(), shape.tailExponent),
    female: headAndTail(background.female, 0.6, shape.givenHead, givenTail.female(), shape.tailExponent),
    male: headAndTail(background.male, 0.6, shape.givenHead, givenTail.male(), shape.tailExponent),
  };
  built.set(background.id, tables);
  return tables;
}

/**
 * The form of a family name that agrees with the person, where the language marks it: Polish -ski/-ska,
 * -cki/-cka, -dzki/-dzka; Sikh families, Singh for men and Kaur for women.
 */
export function familyNameFor(family: string, gender: 'female' | 'male'): string {
  if (gender === 'female') {
    if (family === 'Singh') return 'Kaur';
    return family.replace(/(sk|ck|dzk)i$/, '$1a');
  }
  if (family === 'Kaur') return 'Singh';
  return family.replace(/(sk|ck|dzk)a$/, '$1i');
}

/** Who a namesake count looks at: a person's true names and the town they live in. */
export interface NamedPerson {
  readonly givenName: string;
  readonly familyName: string;
  readonly city: string;
}

/**
 * How many people share their exact given and family name (case aside) with at least one other person,
 * and how many share it within their town as well: the namesakes identity resolution must keep apart.
 */
export function namesakeCounts(people: readonly NamedPerson[]): {
  readonly people: number;
  readonly sharingFullName: number;
  readonly sharingFullNameAndCity: number;
} {
  const fullName = (p: NamedPerson) => `${p.givenName}\u0000${p.familyName}`.toLowerCase();
  const inCity = (p: NamedPerson) => `${fullName(p)}\u0000${p.city.toLowerCase()}`;
  const count = (key: (p: NamedPerson) => string) => {
    const seen = new Map<string, number>();
    for (const p of people) seen.set(key(p), (seen.get(key(p)) ?? 0) + 1);
    return people.filter((p) => (seen.get(key(p)) ?? 0) > 1).length;
  };
  return { people: people.length, sharingFullName: count(fullName), sharingFullNameAndCity: count(inCity) };
}
