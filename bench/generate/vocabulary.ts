/**
 * The fixed vocabulary of the synthetic graph: the 6 supply-chain stages (ids shared with the seed
 * graph), the elements, the commodity networks (facility kinds, products and end uses per layer)
 * and the parts names are made of.
 */

export const STAGES = [
  { id: 'stage-mining', name: 'Mining', aliases: [] as string[], order: 1 },
  { id: 'stage-concentrate', name: 'Concentrate (beneficiation)', aliases: ['beneficiation'], order: 2 },
  { id: 'stage-separation', name: 'Separation / refining', aliases: [] as string[], order: 3 },
  { id: 'stage-metal-alloy', name: 'Metals / alloys', aliases: [] as string[], order: 4 },
  { id: 'stage-component', name: 'Magnets / components', aliases: [] as string[], order: 5 },
  { id: 'stage-end-use', name: 'End use', aliases: [] as string[], order: 6 },
] as const;

export interface ElementDef {
  readonly symbol: string;
  readonly name: string;
  readonly z: number;
  readonly group: string;
  readonly reeClass?: 'light' | 'heavy' | 'neither';
  readonly magnetInput: boolean;
}

const REE = 'rare earth element';
export const ELEMENTS: readonly ElementDef[] = [
  { symbol: 'Sc', name: 'Scandium', z: 21, group: REE, reeClass: 'neither', magnetInput: false },
  { symbol: 'Y', name: 'Yttrium', z: 39, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'La', name: 'Lanthanum', z: 57, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Ce', name: 'Cerium', z: 58, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Pr', name: 'Praseodymium', z: 59, group: REE, reeClass: 'light', magnetInput: true },
  { symbol: 'Nd', name: 'Neodymium', z: 60, group: REE, reeClass: 'light', magnetInput: true },
  { symbol: 'Sm', name: 'Samarium', z: 62, group: REE, reeClass: 'light', magnetInput: true },
  { symbol: 'Eu', name: 'Europium', z: 63, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Gd', name: 'Gadolinium', z: 64, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Tb', name: 'Terbium', z: 65, group: REE, reeClass: 'heavy', magnetInput: true },
  { symbol: 'Dy', name: 'Dysprosium', z: 66, group: REE, reeClass: 'heavy', magnetInput: true },
  { symbol: 'Ho', name: 'Holmium', z: 67, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Er', name: 'Erbium', z: 68, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Tm', name: 'Thulium', z: 69, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Yb', name: 'Ytterbium', z: 70, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Lu', name: 'Lutetium', z: 71, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Li', name: 'Lithium', z: 3, group: 'alkali metal', magnetInput: false },
  { symbol: 'Be', name: 'Beryllium', z: 4, group: 'alkaline earth metal', magnetInput: false },
  { symbol: 'Ti', name: 'Titanium', z: 22, group: 'transition metal', magnetInput: false },
  { symbol: 'V', name: 'Vanadium', z: 23, group: 'transition metal', magnetInput: false },
  { symbol: 'Co', name: 'Cobalt', z: 27, group: 'transition metal', magnetInput: true },
  { symbol: 'Ni', name: 'Nickel', z: 28, group: 'transition metal', magnetInput: false },
  { symbol: 'Ga', name: 'Gallium', z: 31, group: 'post-transition metal', magnetInput: false },
  { symbol: 'Ge', name: 'Germanium', z: 32, group: 'metalloid', magnetInput: false },
  { symbol: 'Zr', name: 'Zirconium', z: 40, group: 'transition metal', magnetInput: false },
  { symbol: 'Nb', name: 'Niobium', z: 41, group: 'transition metal', magnetInput: false },
  { symbol: 'Mo', name: 'Molybdenum', z: 42, group: 'transition metal', magnetInput: false },
  { symbol: 'Sb', name: 'Antimony', z: 51, group: 'metalloid', magnetInput: false },
  { symbol: 'Ta', name: 'Tantalum', z: 73, group: 'transition metal', magnetInput: false },
  { symbol: 'W', name: 'Tungsten', z: 74, group: 'transition metal', magnetInput: false },
];

export interface Commodity {
  readonly name: string;
  readonly elements: readonly string[];
  /** Facility kinds per layer (mine … component plant). */
  readonly facilityKinds: readonly [string, string, string, string, string];
  /** Product names and kinds per tier except end use. */
  readonly products: readonly [string, string, string, string, string];
  readonly productKinds: readonly [string, string, string, string, string];
  readonly endUses: readonly string[];
}

const REE_SYMBOLS = ELEMENTS.filter((e) => e.group === REE).map((e) => e.symbol);
export const COMMODITIES: readonly Commodity[] = [
  {
    name: 'rare earths',
    elements: REE_SYMBOLS,
    facilityKinds: ['mine', 'concentrator', 'separation plant', 'metal and alloy plant', 'magnet plant'],
    products: ['rare-earth ore', 'rare-earth concentrate', 'separated rare-earth oxides', 'NdPr metal and NdFeB alloy', 'NdFeB permanent magnets'],
    productKinds: ['ore', 'concentrate', 'oxide', 'alloy', 'magnet'],
    endUses: ['EV traction motor', 'wind turbine generator', 'industrial servo motor', 'hard disk drive', 'MRI scanner', 'drone motor'],
  },
  {
    name: 'lithium',
    elements: ['Li'],
    facilityKinds: ['mine', 'concentrator', 'lithium refinery', 'lithium metal plant', 'battery materials plant'],
    products: ['spodumene ore', 'spodumene concentrate', 'lithium hydroxide', 'lithium metal', 'battery cathode material'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['EV battery pack', 'grid storage system', 'laptop battery'],
  },
  {
    name: 'niobium and tantalum',
    elements: ['Nb', 'Ta'],
    facilityKinds: ['mine', 'concentrator', 'hydrometallurgical plant', 'ferroalloy plant', 'capacitor plant'],
    products: ['pyrochlore ore', 'niobium-tantalum concentrate', 'niobium and tantalum oxides', 'ferroniobium', 'tantalum capacitors'],
    productKinds: ['ore', 'concentrate', 'oxide', 'alloy', 'component'],
    endUses: ['smartphone', 'automotive electronics', 'pipeline steel'],
  },
  {
    name: 'tungsten',
    elements: ['W', 'Mo'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'powder metallurgy plant', 'tool plant'],
    products: ['scheelite ore', 'tungsten concentrate', 'ammonium paratungstate', 'tungsten carbide powder', 'cemented carbide tools'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['mining drill bit', 'machining centre', 'armour-piercing ammunition'],
  },
  {
    name: 'cobalt and nickel',
    elements: ['Co', 'Ni'],
    facilityKinds: ['mine', 'concentrator', 'hydrometallurgical plant', 'refinery', 'component plant'],
    products: ['cobalt-nickel ore', 'cobalt-nickel concentrate', 'cobalt sulphate', 'cobalt metal', 'superalloy components'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['jet engine turbine', 'gas turbine', 'EV battery pack'],
  },
  {
    name: 'gallium and germanium',
    elements: ['Ga', 'Ge'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'refinery', 'wafer plant'],
    products: ['bauxite and zinc ore', 'zinc concentrate', 'gallium and germanium compounds', 'high-purity gallium', 'semiconductor wafers'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['LED lighting', 'radar module', 'solar cell', 'fibre-optic network'],
  },
  {
    name: 'titanium and zirconium',
    elements: ['Ti', 'Zr', 'V'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'sponge plant', 'forging plant'],
    products: ['ilmenite ore', 'ilmenite concentrate', 'titanium tetrachloride', 'titanium sponge', 'titanium alloy forgings'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['airframe', 'medical implant', 'nuclear fuel cladding'],
  },
  {
    name: 'beryllium and antimony',
    elements: ['Be', 'Sb'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'alloy plant', 'component plant'],
    products: ['beryl ore', 'beryl concentrate', 'beryllium hydroxide', 'beryllium-copper alloy', 'precision connectors'],
    productKinds: ['ore', 'concentrate', 'chemical', 'alloy', 'component'],
    endUses: ['satellite', 'flame-retardant cable'],
  },
];

export const PLACE_PREFIXES = [
  'Kara', 'Belo', 'Vel', 'Sever', 'Ural', 'Tamir', 'Orel', 'Zor', 'Lun', 'Krasn', 'Ozer', 'Mir', 'Yar', 'Sos', 'Kam',
  'Tal', 'Ber', 'Nov', 'Dol', 'Gor', 'Vol', 'Ar', 'Kol', 'Pech', 'Lov', 'Tom', 'Ang', 'Bar', 'Chern', 'Sim',
] as const;
export const PLACE_SUFFIXES = ['gorsk', 'ovo', 'insk', 'ograd', 'ozersk', 'yevo', 'ansk', 'ets', 'ino', 'ovsk', 'abad', 'ara', 'yan', 'ovka', 'ur', 'ensk'] as const;
export const COUNTRY_SUFFIXES = ['ania', 'istan', 'ovia', 'land'] as const;
export const SUBJECT_KINDS = ['Oblast', 'Krai', 'Province', 'Republic'] as const;
export const DEPOSIT_WORDS = ['deposit', 'ore field', 'placer', 'field'] as const;
export const COMPANY_WORDS = ['Mining', 'Metals', 'Resources', 'Rare Metals', 'Holding', 'Magnetics', 'Chemicals', 'Industries', 'Materials', 'Minerals'] as const;
export const COMPANY_KINDS = ['private company', 'listed company', 'state-owned company', 'holding company', 'joint venture', 'subsidiary'] as const;
export const DETAILS_JSON = '{"synthetic":true}';
