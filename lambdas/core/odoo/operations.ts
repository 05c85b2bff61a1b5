import { OdooError } from './errors.js';
import { many2oneId, type OdooFieldInfo, type OdooGateway, type OdooRecord } from './ports.js';
import { DEFAULT_RETRY_POLICY, type RetryEnvironment, type RetryPolicy, withRetry } from './retry.js';

/**
 * The idempotent Odoo operations Tessera performs. Each one looks before it writes, so running it again
 * after an unknown outcome (a timeout, or Odoo's 500 after a partial commit) finds what the first attempt
 * left and completes it instead of creating it twice. Writes that cannot be found again carry a marker,
 * `[tessera:<key>]`, in a text field Odoo lets us search (message body, activity note, lead description,
 * loyalty history description).
 */

export interface TesseraCustomerRef {
  /** Tessera's customer id, stored on the partner (`ref` by default). */
  readonly customerId: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
}

export interface OdooOperationsOptions {
  /** Partner field holding the Tessera customer id; `ref` unless the database has a dedicated field. */
  readonly referenceField?: string;
  /** Prefix of the partner tags Tessera creates, so Odoo users see where a tag came from. */
  readonly tagPrefix?: string;
  /** User responsible for activities when the partner has no salesperson. */
  readonly defaultUserId?: number;
  /** The loyalty programme whose cards Tessera adjusts; the first active loyalty programme otherwise. */
  readonly loyaltyProgramId?: number;
  readonly retry?: RetryPolicy;
  readonly retryEnvironment: RetryEnvironment;
}

export interface PartnerMatch {
  readonly partnerId: number;
  readonly created: boolean;
  readonly matchedBy: 'reference' | 'email' | 'created';
}

export type WriteOutcome<T = number> = { readonly id: T; readonly created: boolean };

/** Fields Tessera writes on partners when the database has them (created with Studio or `tessera odoo check`). */
export const TESSERA_PARTNER_FIELDS = {
  x_tessera_customer_id: { type: 'char', string: 'Tessera customer id' },
  x_tessera_churn_risk: { type: 'float', string: 'Tessera churn risk' },
  x_tessera_clv: { type: 'float', string: 'Tessera customer lifetime value' },
  x_tessera_segments: { type: 'char', string: 'Tessera segments' },
  x_tessera_scored_at: { type: 'datetime', string: 'Tessera scored at' },
} as const;
export type TesseraPartnerField = keyof typeof TESSERA_PARTNER_FIELDS;

const MARKER_KEY = /^[A-Za-z0-9:_.-]{1,120}$/;

/** A value matched literally by Odoo's (i)like, whose `%` and `_` are wildcards in PostgreSQL. */
export const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The searchable marker of an idempotent write. */
export function tesseraMarker(key: string): string {
  if (!MARKER_KEY.test(key)) throw new Error(`idempotency key '${key}' must be 1-120 of A-Z a-z 0-9 : _ . -`);
  return `[tessera:${key}]`;
}

/** An id from any answer shape: 259 (JSON-RPC), [40] (JSON-2), "mail.activity(35,)" (activity_schedule on 17). */
export function idFromAnswer(answer: unknown, what: string): number {
  if (typeof answer === 'number' && Number.isInteger(answer)) return answer;
  if (Array.isArray(answer) && typeof answer[0] === 'number') return answer[0];
  if (typeof answer === 'string') {
    const m = /\((\d+),?\)$/.exec(answer);
    if (m?.[1]) return Number(m[1]);
  }
  throw new OdooError({
    kind: 'invalid',
    model: what,
    operation: 'parse answer',
    detail: `unexpected answer ${JSON.stringify(answer)?.slice(0, 80)}`,
  });
}

const ALL_RECORDS = { active_test: false } as const;

export class OdooOperations {
  private readonly referenceField: string;
  private readonly tagPrefix: string;
  private readonly policy: RetryPolicy;
  private readonly tagIds = new Map<string, number>();
  private readonly fieldsCache = new Map<string, Promise<Record<string, OdooFieldInfo>>>();

  constructor(
    private readonly odoo: OdooGateway,
    private readonly options: OdooOperationsOptions,
  ) {
    this.referenceField = options.referenceField ?? 'ref';
    this.tagPrefix = options.tagPrefix ?? 'Tessera';
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** Re-runs the whole look-then-write step on a retryable failure, including unknown outcomes. */
  private retrying<T>(step: () => Promise<T>): Promise<T> {
    return withRetry(step, this.policy, this.options.retryEnvironment);
  }

  /** The database's fields of a model, asked once per container. */
  fields(model: string): Promise<Record<string, OdooFieldInfo>> {
    let cached = this.fieldsCache.get(model);
    if (!cached) {
      cached = this.odoo.fieldsGet(model).catch((error: unknown) => {
        this.fieldsCache.delete(model);
        throw error;
      });
      this.fieldsCache.set(model, cached);
    }
    return cached;
  }

  /** The partner holding this Tessera customer id, without creating one. */
  findPartner(customerId: string): Promise<number | undefined> {
    return this.retrying(() => this.findPartnerOnce(customerId));
  }

  /**
   * The partner for a Tessera customer: by the stored reference, else by email (claiming a partner that
   * holds no other Tessera id), else a new partner carrying the reference.
   */
  ensurePartner(customer: TesseraCustomerRef): Promise<PartnerMatch> {
    return this.retrying(async () => {
      const byRef = await this.findPartnerOnce(customer.customerId);
      if (byRef !== undefined) return { partnerId: byRef, created: false, matchedBy: 'reference' as const };
      if (customer.email) {
        const candidates = await this.odoo.searchRead(
          'res.partner',
          [['email', '=ilike', likeLiteral(customer.email.trim())]],
          ['id', this.referenceField],
          { limit: 10, order: 'id' },
        );
        // A partner that already carries another Tessera id belongs to that customer.
        const free = candidates.find((p) => !isTesseraId(p[this.referenceField]));
        if (free) {
          // A reference the retailer set themselves is left alone: such a partner is found by email again.
          if (!hasText(free, this.referenceField))
            await this.odoo.write('res.partner', [free.id], { [this.referenceField]: customer.customerId });
          return { partnerId: free.id, created: false, matchedBy: 'email' as const };
        }
      }
      const partnerId = await this.odoo.create('res.partner', {
        name: customer.name?.trim() || customer.email?.trim() || customer.customerId,
        ...(customer.email ? { email: customer.email.trim() } : {}),
        ...(customer.phone ? { phone: customer.phone.trim() } : {}),
        [this.referenceField]: customer.customerId,
      });
      // Two syncs for one new customer can both find nothing and both create: the oldest partner wins,
      // and the loser archives its own duplicate, so both end on the same partner.
      const winner = await this.findPartnerOnce(customer.customerId);
      if (winner !== undefined && winner !== partnerId) {
        await this.odoo.write('res.partner', [partnerId], { active: false, [this.referenceField]: false });
        return { partnerId: winner, created: false, matchedBy: 'reference' as const };
      }
      return { partnerId, created: true, matchedBy: 'created' as const };
    });
  }

  private async findPartnerOnce(customerId: string): Promise<number | undefined> {
    const [found] = await this.odoo.searchRead(
      'res.partner',
      [[this.referenceField, '=', customerId]],
      ['id'],
      {
        limit: 1,
        order: 'id',
        context: ALL_RECORDS,
      },
    );
    return found?.id;
  }

  /** The id of Tessera's tag `<prefix>: <label>`, created once. */
  ensureTag(
    label: string,
    model: 'res.partner.category' | 'crm.tag' = 'res.partner.category',
  ): Promise<number> {
    const name = `${this.tagPrefix}: ${label}`;
    const key = `${model}|${name}`;
    const cached = this.tagIds.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.retrying(async () => {
      const [existing] = await this.odoo.searchRead(model, [['name', '=', name]], ['id'], {
        limit: 1,
        order: 'id',
      });
      let id = existing?.id;
      if (id === undefined) {
        const created = await this.odoo.create(model, { name });
        // A concurrent sync may have created the same tag: keep the oldest, drop ours before anyone uses it.
        const [oldest] = await this.odoo.searchRead(model, [['name', '=', name]], ['id'], {
          limit: 1,
          order: 'id',
        });
        id = oldest?.id ?? created;
        if (id !== created) await this.odoo.callOnRecords(model, 'unlink', [created]);
      }
      this.tagIds.set(key, id);
      return id;
    });
  }

  /** Adds tags to a partner (many2many link commands are idempotent; the read skips a needless write). */
  async addPartnerTags(
    partnerId: number,
    labels: readonly string[],
  ): Promise<{ tagIds: number[]; added: number }> {
    const tagIds = await Promise.all(labels.map((l) => this.ensureTag(l)));
    const added = await this.retrying(async () => {
      const current = await this.partnerTags(partnerId);
      const missing = tagIds.filter((id) => !current.includes(id));
      if (missing.length > 0) {
        await this.odoo.write('res.partner', [partnerId], { category_id: missing.map((id) => [4, id]) });
      }
      return missing.length;
    });
    return { tagIds, added };
  }

  /** Removes Tessera tags from a partner; tags it never had are left alone. */
  async removePartnerTags(partnerId: number, labels: readonly string[]): Promise<void> {
    const ids = await Promise.all(labels.map((l) => this.ensureTag(l)));
    await this.retrying(async () => {
      const current = await this.partnerTags(partnerId);
      const present = ids.filter((id) => current.includes(id));
      if (present.length > 0)
        await this.odoo.write('res.partner', [partnerId], { category_id: present.map((id) => [3, id]) });
    });
  }

  private async partnerTags(partnerId: number): Promise<number[]> {
    const [partner] = await this.odoo.read('res.partner', [partnerId], ['category_id']);
    if (!partner) {
      throw new OdooError({
        kind: 'missing',
        model: 'res.partner',
        operation: 'read',
        detail: `partner ${partnerId} not found`,
      });
    }
    return Array.isArray(partner.category_id)
      ? partner.category_id.filter((v): v is number => typeof v === 'number')
      : [];
  }

  /**
   * Writes the Tessera fields this database has (detected with fields_get), skipping the rest: a retailer
   * who has not created them still gets tags and notes. Writing absolute values is idempotent.
   */
  async writeTesseraFields(
    partnerId: number,
    values: Partial<Record<TesseraPartnerField, string | number | boolean | null>>,
  ): Promise<{ written: string[]; skipped: string[] }> {
    const fields = await this.fields('res.partner');
    const writable: Record<string, unknown> = {};
    const skipped: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      const info = fields[name];
      if (!info || info.readonly || value === undefined) {
        skipped.push(name);
        continue;
      }
      if (info.type === 'selection' && info.selection && !info.selection.some(([key]) => key === value)) {
        skipped.push(name);
        continue;
      }
      writable[name] = value === null ? false : value;
    }
    const written = Object.keys(writable);
    if (written.length > 0) await this.retrying(() => this.odoo.write('res.partner', [partnerId], writable));
    return { written, skipped };
  }

  /** An internal note in the partner's chatter (never e-mailed to followers), posted once per key. */
  postNote(partnerId: number, key: string, text: string): Promise<WriteOutcome> {
    const marker = tesseraMarker(key);
    return this.retrying(async () => {
      const existing = await this.findMessage('res.partner', partnerId, marker);
      if (existing !== undefined) return { id: existing, created: false };
      // A plain-text body: Odoo escapes it, so customer data cannot inject markup.
      const answer = await this.odoo.callOnRecords('res.partner', 'message_post', [partnerId], {
        body: `${text} ${marker}`,
        message_type: 'comment',
        subtype_xmlid: 'mail.mt_note',
      });
      return { id: idFromAnswer(answer, 'mail.message'), created: true };
    });
  }

  private async findMessage(model: string, resId: number, marker: string): Promise<number | undefined> {
    const [found] = await this.odoo.searchRead(
      'mail.message',
      [
        ['model', '=', model],
        ['res_id', '=', resId],
        ['body', 'ilike', likeLiteral(marker)],
      ],
      ['id', 'body'],
      { limit: 1, order: 'id' },
    );
    return found?.id;
  }

  /**
   * A to-do for the partner's salesperson (else the configured user, else the API user) with a deadline,
   * scheduled once per key; completed activities that Odoo keeps archived count as done.
   */
  scheduleActivity(
    partnerId: number,
    key: string,
    activity: { summary: string; note: string; deadline: string; userId?: number },
  ): Promise<WriteOutcome> {
    const marker = tesseraMarker(key);
    return this.retrying(async () => {
      const [existing] = await this.odoo.searchRead(
        'mail.activity',
        [
          ['res_model', '=', 'res.partner'],
          ['res_id', '=', partnerId],
          ['note', 'ilike', likeLiteral(marker)],
        ],
        ['id'],
        { limit: 1, context: ALL_RECORDS },
      );
      if (existing) return { id: existing.id, created: false };
      const userId = activity.userId ?? (await this.salesperson(partnerId)) ?? this.options.defaultUserId;
      const answer = await this.odoo.callOnRecords('res.partner', 'activity_schedule', [partnerId], {
        act_type_xmlid: 'mail.mail_activity_data_todo',
        date_deadline: activity.deadline,
        summary: activity.summary,
        note: `${activity.note} ${marker}`,
        ...(userId !== undefined ? { user_id: userId } : {}),
      });
      return { id: idFromAnswer(answer, 'mail.activity'), created: true };
    });
  }

  private async salesperson(partnerId: number): Promise<number | undefined> {
    const [partner] = await this.odoo.read('res.partner', [partnerId], ['user_id']);
    return partner ? many2oneId(partner.user_id) : undefined;
  }

  /**
   * Adds (or removes, when negative) points on the partner's loyalty card, once per key. On Odoo 18+ the
   * points and a history line go in one write, so they commit together and the line is the marker. On
   * Odoo 16-17 (no history) an intent note with the balance before and after is posted first: a repeat
   * finds it and completes the write only if the balance is still the one before.
   */
  adjustLoyaltyPoints(
    partnerId: number,
    key: string,
    change: { points: number; description: string },
  ): Promise<{ cardId: number; balance: number; applied: boolean }> {
    const marker = tesseraMarker(key);
    return this.retrying(async () => {
      const card = await this.ensureLoyaltyCard(partnerId);
      const cardFields = await this.fields('loyalty.card');
      if ('history_ids' in cardFields) {
        const [done] = await this.odoo.searchRead(
          'loyalty.history',
          [
            ['card_id', '=', card.id],
            ['description', 'ilike', likeLiteral(marker)],
          ],
          ['id'],
          { limit: 1 },
        );
        if (done) return { cardId: card.id, balance: card.points, applied: false };
        const balance = card.points + change.points;
        await this.odoo.write('loyalty.card', [card.id], {
          points: balance,
          history_ids: [
            [
              0,
              0,
              {
                description: `${change.description} ${marker}`,
                issued: Math.max(change.points, 0),
                used: Math.max(-change.points, 0),
              },
            ],
          ],
        });
        return { cardId: card.id, balance, applied: true };
      }
      return this.adjustWithIntentNote(partnerId, card, marker, change);
    });
  }

  private async adjustWithIntentNote(
    partnerId: number,
    card: { id: number; points: number },
    marker: string,
    change: { points: number; description: string },
  ): Promise<{ cardId: number; balance: number; applied: boolean }> {
    const [intent] = await this.odoo.searchRead(
      'mail.message',
      [
        ['model', '=', 'res.partner'],
        ['res_id', '=', partnerId],
        ['body', 'ilike', likeLiteral(marker)],
      ],
      ['id', 'body'],
      { limit: 1, order: 'id' },
    );
    if (intent) {
      const m = /from (-?[\d.]+) to (-?[\d.]+) points/.exec(String(intent.body));
      const before = Number(m?.[1]);
      const after = Number(m?.[2]);
      if (card.points === after) return { cardId: card.id, balance: after, applied: false };
      if (card.points !== before) {
        throw new OdooError({
          kind: 'user',
          model: 'loyalty.card',
          operation: 'adjust points',
          detail: `card ${card.id} holds ${card.points} points, neither ${before} (before) nor ${after} (after) the adjustment ${marker}: check it by hand`,
        });
      }
      await this.odoo.write('loyalty.card', [card.id], { points: after });
      return { cardId: card.id, balance: after, applied: true };
    }
    const balance = card.points + change.points;
    await this.odoo.callOnRecords('res.partner', 'message_post', [partnerId], {
      body: `${change.description}: ${signed(change.points)} points on loyalty card #${card.id}, from ${card.points} to ${balance} points ${marker}`,
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
    });
    await this.odoo.write('loyalty.card', [card.id], { points: balance });
    return { cardId: card.id, balance, applied: true };
  }

  private async ensureLoyaltyCard(partnerId: number): Promise<{ id: number; points: number }> {
    const programId = await this.loyaltyProgram();
    const domain = [
      ['partner_id', '=', partnerId],
      ['program_id', '=', programId],
    ];
    const [card] = await this.odoo.searchRead('loyalty.card', domain, ['id', 'points'], {
      limit: 1,
      order: 'id',
    });
    if (card) return { id: card.id, points: Number(card.points) || 0 };
    const id = await this.odoo.create('loyalty.card', {
      partner_id: partnerId,
      program_id: programId,
      points: 0,
    });
    return { id, points: 0 };
  }

  private async loyaltyProgram(): Promise<number> {
    if (this.options.loyaltyProgramId !== undefined) return this.options.loyaltyProgramId;
    const [program] = await this.odoo.searchRead(
      'loyalty.program',
      [['program_type', '=', 'loyalty']],
      ['id'],
      {
        limit: 1,
        order: 'id',
      },
    );
    if (!program) {
      throw new OdooError({
        kind: 'not_found',
        model: 'loyalty.program',
        operation: 'adjust points',
        detail: 'no loyalty programme in Odoo: create one (Sales > Loyalty) or configure its id',
      });
    }
    return program.id;
  }

  /** A win-back opportunity in CRM for the partner, created once per key (lost or archived ones count). */
  createWinBackOpportunity(
    partnerId: number,
    key: string,
    lead: { title: string; description: string; expectedRevenue?: number; userId?: number },
  ): Promise<WriteOutcome> {
    const marker = tesseraMarker(key);
    return this.retrying(async () => {
      const [existing] = await this.odoo.searchRead(
        'crm.lead',
        [
          ['partner_id', '=', partnerId],
          ['description', 'ilike', likeLiteral(marker)],
        ],
        ['id'],
        { limit: 1, context: ALL_RECORDS },
      );
      if (existing) return { id: existing.id, created: false };
      const tagId = await this.ensureTag('win-back', 'crm.tag');
      const userId = lead.userId ?? (await this.salesperson(partnerId)) ?? this.options.defaultUserId;
      const id = await this.odoo.create('crm.lead', {
        name: lead.title,
        type: 'opportunity',
        partner_id: partnerId,
        description: `${lead.description} ${marker}`,
        priority: '2',
        tag_ids: [[4, tagId]],
        ...(lead.expectedRevenue !== undefined ? { expected_revenue: lead.expectedRevenue } : {}),
        ...(userId !== undefined ? { user_id: userId } : {}),
      });
      return { id, created: true };
    });
  }

  /**
   * Records that Tessera merged customers into a survivor. Odoo's own partner merge is destructive and
   * belongs to a person, so Tessera only: hands a merged customer's partner to the survivor when the
   * survivor has none, tags the other partners as possible duplicates, and notes the merge on each.
   */
  async recordMerge(
    survivorId: string,
    mergedIds: readonly string[],
    key: string,
  ): Promise<{ survivorPartnerId?: number; duplicatePartnerIds: number[] }> {
    const found = await this.retrying(() =>
      this.odoo.searchRead(
        'res.partner',
        [[this.referenceField, 'in', [survivorId, ...mergedIds]]],
        ['id', this.referenceField],
        {
          order: 'id',
          context: ALL_RECORDS,
        },
      ),
    );
    let survivor = found.find((r) => r[this.referenceField] === survivorId)?.id;
    const others = found.filter((r) => r[this.referenceField] !== survivorId);
    if (survivor === undefined && others.length > 0) {
      survivor = others.shift()!.id;
      await this.retrying(() =>
        this.odoo.write('res.partner', [survivor!], { [this.referenceField]: survivorId }),
      );
    }
    const duplicates = others.map((r) => r.id);
    if (survivor === undefined) return { duplicatePartnerIds: [] };
    for (const dup of duplicates) {
      await this.addPartnerTags(dup, ['merged duplicate']);
      await this.postNote(
        dup,
        `${key}:dup`,
        `Tessera merged this customer into ${survivorId} (partner #${survivor}); use Odoo's merge if it is the same person.`,
      );
    }
    await this.postNote(
      survivor,
      `${key}:survivor`,
      `Tessera merged customers ${mergedIds.join(', ')} into ${survivorId}${
        duplicates.length > 0
          ? `; possible duplicate partners: ${duplicates.map((d) => `#${d}`).join(', ')}`
          : ''
      }.`,
    );
    return { survivorPartnerId: survivor, duplicatePartnerIds: duplicates };
  }
}

const isTesseraId = (value: unknown): boolean => typeof value === 'string' && value.startsWith('cus_');
const hasText = (record: OdooRecord, field: string): boolean =>
  typeof record[field] === 'string' && record[field] !== '';
const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));
