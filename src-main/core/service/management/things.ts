/**
 * The IoT thing registry of the local service: a few built-in devices with thing types
 * and attributes, plus any added with `--thing` or `things.add()`. ListThings filters as
 * AWS's does: by thing type, and by one attribute (exact, or a prefix of its value); AWS
 * has no name filter on ListThings, so neither has this.
 */
import { randomUUID } from 'node:crypto';
import { ManagementError, invalid } from './errors.js';
import { paginate, type Page } from './pagination.js';

/** A thing as it is defined: name, optional type, attributes. */
export interface ThingSpec {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A thing as DescribeThing answers it. */
export interface Thing {
  readonly thingName: string;
  readonly thingArn: string;
  readonly thingId: string;
  readonly thingTypeName?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: number;
}

export interface ThingQuery {
  readonly thingTypeName?: string;
  readonly attributeName?: string;
  readonly attributeValue?: string;
  /** The attribute's value starts with attributeValue, rather than equals it. */
  readonly usePrefixAttributeValue?: boolean;
  readonly maxResults: number;
  readonly nextToken?: string;
}

/** Plausible devices an operator reaches through tunnels; the sandbox simulates each. */
export const BUILT_IN_THINGS: readonly ThingSpec[] = [
  {
    thingName: 'gateway-berlin-01',
    thingTypeName: 'EdgeGateway',
    attributes: { site: 'berlin', rack: 'a3', firmware: '2.4.1' },
  },
  {
    thingName: 'gateway-berlin-02',
    thingTypeName: 'EdgeGateway',
    attributes: { site: 'berlin', rack: 'b1', firmware: '2.3.0' },
  },
  {
    thingName: 'pump-station-07',
    thingTypeName: 'PumpController',
    attributes: { site: 'lyon', firmware: '1.9.0' },
  },
  {
    thingName: 'kiosk-lobby',
    thingTypeName: 'Kiosk',
    attributes: { site: 'berlin', floor: '0' },
  },
  { thingName: 'sensor-hub-lab', attributes: { site: 'lab' } },
];

/** AWS's rules for a thing name, a thing type name, and attribute names and values. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const ATTRIBUTE_NAME = /^[a-zA-Z0-9_.,@/:#-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[a-zA-Z0-9_.,@/:#=[\]-]{0,800}$/;

/** Checks a thing definition; the message names the field and its rule. */
export function validateThingSpec(spec: ThingSpec): void {
  if (!THING_NAME.test(spec.thingName)) {
    throw invalid(
      `thing name "${spec.thingName}" is invalid; use 1 to 128 letters, digits, ":", "_" or "-"`,
    );
  }
  if (spec.thingTypeName !== undefined && !THING_NAME.test(spec.thingTypeName)) {
    throw invalid(
      `thing type "${spec.thingTypeName}" is invalid; use 1 to 128 letters, digits, ":", "_" or "-"`,
    );
  }
  for (const [name, value] of Object.entries(spec.attributes ?? {})) {
    if (!ATTRIBUTE_NAME.test(name)) throw invalid(`attribute name "${name}" is invalid`);
    if (!ATTRIBUTE_VALUE.test(value)) throw invalid(`the value of attribute "${name}" is invalid`);
  }
}

export class ThingCatalogue {
  private readonly things = new Map<string, Thing>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    specs: readonly ThingSpec[] = [],
  ) {
    for (const spec of specs) this.add(spec);
  }

  /** Adds a thing, or replaces one of the same name (its version goes up, as an update's would). */
  add(spec: ThingSpec): Thing {
    validateThingSpec(spec);
    const previous = this.things.get(spec.thingName);
    const thing: Thing = {
      thingName: spec.thingName,
      thingArn: `arn:aws:iot:${this.region}:${this.accountId}:thing/${spec.thingName}`,
      thingId: previous?.thingId ?? randomUUID(),
      ...(spec.thingTypeName === undefined ? {} : { thingTypeName: spec.thingTypeName }),
      attributes: { ...spec.attributes },
      version: (previous?.version ?? 0) + 1,
    };
    this.things.set(thing.thingName, thing);
    return thing;
  }

  has(thingName: string): boolean {
    return this.things.has(thingName);
  }

  /** DescribeThing: the thing, or ResourceNotFoundException in AWS's words. */
  describe(thingName: string): Thing {
    const thing = this.things.get(thingName);
    if (!thing) {
      throw new ManagementError('ResourceNotFoundException', `Thing ${thingName} cannot be found.`);
    }
    return thing;
  }

  /** ListThings: filtered, sorted by name, one page. */
  list(query: ThingQuery): Page<Thing> {
    if ((query.attributeName === undefined) !== (query.attributeValue === undefined)) {
      throw invalid('attributeName and attributeValue go together');
    }
    const matches = [...this.things.values()]
      .filter((thing) => matchesQuery(thing, query))
      .sort((a, b) => a.thingName.localeCompare(b.thingName));
    return paginate(matches, query.maxResults, query.nextToken);
  }
}

function matchesQuery(thing: Thing, query: ThingQuery): boolean {
  if (query.thingTypeName !== undefined && thing.thingTypeName !== query.thingTypeName) {
    return false;
  }
  if (query.attributeName !== undefined && query.attributeValue !== undefined) {
    const value = thing.attributes[query.attributeName];
    if (value === undefined) return false;
    return query.usePrefixAttributeValue
      ? value.startsWith(query.attributeValue)
      : value === query.attributeValue;
  }
  return true;
}
