// Wrong values for every typed field of every implemented operation (SPEC §2: "a malformed number, boolean, enum
// or dateTime is code 201"). The cases are generated from the contract description (src/schema), walking each
// request of an operation in HANDLERS down through its complex types (Predicate, Paging, OrderBy, arrays, …), so a
// new operation or field is covered without touching this file. Every case must be an s:Client ApiFault whose only
// error is 201 naming the element by its path, and the service must answer a normal request right after.
import { expect } from 'chai';
import {
  complexTypeDef,
  fieldsOf,
  NS,
  simpleTypeDef,
  wrapperFields,
  type QName,
  type QualifiedField,
} from '../../src/schema/index.ts';
import { HANDLERS } from '../../src/soap/operations.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { makeWorldWithCoupons, searchPredicatesXml, type World } from '../support/factories.ts';
import { expectFault, XSI } from '../support/soap.ts';

interface Leaf {
  /** Fields from the request element down to the typed one. */
  readonly trail: readonly QualifiedField[];
  readonly type: QName;
}

const WRONG: Record<string, readonly string[]> = {
  'xs:long': ['forty-two', '1.5', '9223372036854775808', '0x10', ''],
  'xs:int': ['seven', '2147483648', '1e3', ''],
  'xs:short': ['short', '32768'],
  'xs:unsignedByte': ['byte', '256', '-1'],
  'xs:boolean': ['yes', 'TRUE', '2', ''],
  'xs:dateTime': ['yesterday', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '2024-01-01T25:00:00Z', ''],
  'xs:double': ['twelve', '1,5', 'NaN'],
  'xs:decimal': ['twelve', '1,5'],
};

function wrongValues(type: QName): readonly string[] | null {
  if (WRONG[type]) return WRONG[type];
  const st = simpleTypeDef(type);
  const enums = (st?.enums ?? []).map((e) => (typeof e === 'string' ? e : e[0]));
  if (enums.length === 0) return null; // xs:string and other free text: no wrong value
  // Enumerations are case-sensitive; an empty xs:list is a valid (empty) list, an empty single value is not.
  return ['NotAValue', enums[0]!.toLowerCase(), ...(st?.list ? [`${enums[0]} NotAValue`] : [''])];
}

/** Every field with a checked type, reached from `fields` (complex types followed, each once per trail). */
function typedLeaves(fields: readonly QualifiedField[], trail: readonly QualifiedField[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const f of fields) {
    if (complexTypeDef(f.type)) {
      if (trail.some((t) => t.type === f.type)) continue;
      out.push(...typedLeaves(fieldsOf(f.type), [...trail, f]));
    } else if (wrongValues(f.type)) out.push({ trail: [...trail, f], type: f.type });
  }
  return out;
}

/** The request's inner XML holding only `leaf`, with `content` (already XML) and attributes on the last element. */
function nest(trail: readonly QualifiedField[], content: string, attrs = ''): string {
  const [f, ...rest] = trail;
  if (!f) return content;
  const open = `<${f.name} xmlns="${NS[f.ns]}"${rest.length === 0 ? attrs : ''}>`;
  return `${open}${rest.length === 0 ? content : nest(rest, content, attrs)}</${f.name}>`;
}

const operations = [...HANDLERS.keys()];
const cases = operations.flatMap((op) =>
  typedLeaves(wrapperFields(`${op}Request`)).map((leaf) => ({
    op,
    leaf,
    path: [`${op}Request`, ...leaf.trail.map((f) => f.name)].join('.'),
  })),
);

describe('a wrong value in any typed request field is code 201 naming the element, and the service keeps serving', function () {
  this.timeout(120000);
  const t = useTestApp();
  let w: World;
  let codes: string[];

  before(async () => {
    ({ w, codes } = await makeWorldWithCoupons(t, 2));
  });

  async function stillServes(): Promise<void> {
    const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(w.customerId), w.user));
    expect(res.status, res.body).to.equal(200);
    for (const c of codes) expect(res.body).to.include(c);
  }

  async function expect201(op: string, inner: string, path: string, why: RegExp): Promise<void> {
    const res = await postSoap(t.endpoint, soapRequest(op, inner, w.user), { SOAPAction: `"${op}"` });
    const f = expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
    expect(f.details[0], res.body).to.satisfy((d: string) => d.startsWith(`${path}`) && why.test(d));
    await stillServes();
  }

  it('covers every implemented operation and the nested types of their requests', () => {
    const covered = new Set(cases.map((c) => c.op));
    // Operations whose requests carry only strings have nothing to get wrong.
    expect([...covered].sort()).to.deep.equal(
      operations.filter((op) => typedLeaves(wrapperFields(`${op}Request`)).length > 0).sort(),
    );
    const paths = cases.map((c) => c.path);
    for (const nested of [
      'SearchCouponsRequest.Predicates.Predicate.Operator',
      'SearchCouponsRequest.Ordering.OrderBy.Field',
      'SearchCouponsRequest.Ordering.OrderBy.Order',
      'SearchCouponsRequest.PageInfo.Index',
      'SearchCouponsRequest.PageInfo.Size',
      'SearchCouponsRequest.ReturnAdditionalFields',
      'GetAccountMonthlySpendRequest.MonthYear',
      'DistributeCouponsRequest.SendNotification',
      'ClaimFeatureAdoptionCouponsRequest.AccountCouponPairs.KeyValueEntityOflongstring.Key',
    ])
      expect(paths).to.include(nested);
  });

  for (const { op, leaf, path } of cases) {
    const type = leaf.type.slice(leaf.type.indexOf(':') + 1);
    for (const value of wrongValues(leaf.type)!) {
      it(`${path} (${type}) = '${value}' is 201`, async () => {
        await expect201(op, nest(leaf.trail, value), path, /is not a valid/);
      });
    }
    it(`${path} (${type}) holding an element instead of a value is 201`, async () => {
      await expect201(op, nest(leaf.trail, '<x:v xmlns:x="urn:x">1</x:v>'), path, /must not contain elements/);
    });
    const last = leaf.trail[leaf.trail.length - 1]!;
    if (!last.nillable)
      it(`${path} (${type}) sent as xsi:nil, which the schema does not allow, is 201`, async () => {
        await expect201(op, nest(leaf.trail, '', ` xmlns:n="${XSI}" n:nil="true"`), path, /cannot be nil/);
      });
  }

  it('several wrong values in one request are all reported at once', async () => {
    const inner =
      searchPredicatesXml(w.customerId) +
      '<b:PageInfo><e:Index>first</e:Index><e:Size>ten</e:Size></b:PageInfo>' +
      '<b:Ordering><e:OrderBy><e:Field>Colour</e:Field><e:Order>Up</e:Order></e:OrderBy></b:Ordering>';
    const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', inner, w.user));
    const f = expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [201, 201, 201, 201] });
    expect(f.details.map((d) => d.split(':')[0])).to.have.members([
      'SearchCouponsRequest.PageInfo.Index',
      'SearchCouponsRequest.PageInfo.Size',
      'SearchCouponsRequest.Ordering.OrderBy.Field',
      'SearchCouponsRequest.Ordering.OrderBy.Order',
    ]);
    await stillServes();
  });
});
