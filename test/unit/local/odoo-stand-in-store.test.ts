import { describe, expect, it } from 'vitest';
import { ModelStore, OdooException } from '../../../local/odoo-stand-in/model-store.js';

const newStore = () => new ModelStore({ major: 17, modules: ['crm', 'loyalty'], tesseraFields: true });

describe('the Odoo stand-in store transaction', () => {
  it('rolls back every create, write and delete of a failing request, and reuses no id twice', () => {
    // Prepare
    const store = newStore();
    const kept = store.create('res.partner', { name: 'Ada Lovelace', email: 'ada@example.com' }, 2);
    const removed = store.create('res.partner', { name: 'Charles Babbage' }, 2);
    // Act
    const failing = () =>
      store.transaction(() => {
        store.write('res.partner', [kept], { name: 'Ada King', x_tessera_churn_risk: 0.4 }, 2);
        store.unlink('res.partner', [removed]);
        store.create('res.partner', { name: 'Grace Hopper' }, 2);
        // A tag without its required name: Odoo answers ValidationError and commits nothing.
        store.create('res.partner.category', {}, 2);
      });
    // Assess
    expect(failing).toThrow(OdooException);
    expect(store.all('res.partner').map((p) => [p.id, p.name, p.x_tessera_churn_risk])).toEqual([
      [kept, 'Ada Lovelace', false],
      [removed, 'Charles Babbage', false],
    ]);
    expect(store.all('res.partner.category')).toEqual([]);
    const next = store.create('res.partner', { name: 'Grace Hopper' }, 2);
    expect(next).toBe(removed + 1);
  });

  it('keeps the writes of a request that succeeds', () => {
    // Prepare
    const store = newStore();
    const partner = store.create('res.partner', { name: 'Ada Lovelace' }, 2);
    // Act
    store.transaction(() => {
      const tag = store.create('res.partner.category', { name: 'tessera:churn-risk' }, 2);
      store.write('res.partner', [partner], { category_id: [[4, tag]] }, 2);
    });
    // Assess
    expect(store.browse('res.partner', [partner])[0]?.category_id).toEqual([1]);
    expect(store.search('res.partner.category', [['name', 'ilike', 'CHURN']]).length).toBe(1);
  });
});
