import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const StockItem = defineEntity({
  name: 'StockItem',
  tableName: 'stock_items',
  properties: {
    sku: p.string().primary().length(64),
    onHand: p.integer(),
    reserved: p.integer().default(0),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  // The last line of defence against overselling, whatever the code does.
  checks: [{ name: 'stock_items_reserved_within_on_hand', expression: 'reserved >= 0 and reserved <= on_hand' }],
});
export type StockItem = InferEntity<typeof StockItem>;

export type ReservationStatus = 'active' | 'committed' | 'released';
export type ReleaseReason = 'requested' | 'expired' | 'never-reserved';
export interface ReservedLine {
  sku: string;
  quantity: number;
}

export const Reservation = defineEntity({
  name: 'Reservation',
  tableName: 'reservations',
  properties: {
    id: p.string().primary().length(128),
    status: p.enum(['active', 'committed', 'released'] as const),
    lines: p.json<ReservedLine[]>(),
    expiresAt: p.datetime(),
    releaseReason: p.enum(['requested', 'expired', 'never-reserved'] as const).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['status', 'expiresAt'] }],
});
export type Reservation = InferEntity<typeof Reservation>;

export const inventoryEntities = [StockItem, Reservation];
