import type { DemoDocumentData } from '../../../local/document-reader/demo-documents.js';

/** The return form the reader and workflow tests render: a text-layer PDF (or PNG) with every field filled. */
export const demoReturnForm: DemoDocumentData = {
  kind: 'return',
  retailerName: 'Northwind Outfitters',
  customer: { name: 'Jonas Becker', email: 'jonas.becker@example.org', phone: '+49 30 1234567' },
  orderNumber: 'ORD-77120',
  documentDate: '2026-10-30',
  currency: 'EUR',
  items: [{ sku: 'BOOT-3310', description: 'Hiking boots', quantity: 1, amount: 149 }],
  reasonText: 'Too tight at the toes, I need a bigger size',
};
