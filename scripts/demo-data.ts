/** The demo shop's products. Prices in minor units (cents). */
export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: number;
  currency: string;
  stock: number;
}

export const DEMO_PRODUCTS: DemoProduct[] = [
  { sku: 'TSHIRT-BLUE-M', name: 'Blue T-shirt (M)', description: 'Soft organic cotton tee in ocean blue, medium.', category: 'apparel', price: 1999, currency: 'USD', stock: 100 },
  { sku: 'TSHIRT-BLUE-L', name: 'Blue T-shirt (L)', description: 'Soft organic cotton tee in ocean blue, large.', category: 'apparel', price: 1999, currency: 'USD', stock: 80 },
  { sku: 'MUG-TEMPORAL', name: 'Temporal mug', description: 'A stoneware coffee mug that survives every crash.', category: 'kitchen', price: 1250, currency: 'USD', stock: 50 },
  { sku: 'HOODIE-GREY-M', name: 'Grey hoodie (M)', description: 'Warm grey hoodie with a durable zip, medium.', category: 'apparel', price: 4900, currency: 'USD', stock: 25 },
  { sku: 'STICKER-PACK', name: 'Sticker pack', description: 'Ten vinyl stickers for laptops and water bottles.', category: 'accessories', price: 499, currency: 'USD', stock: 500 },
  { sku: 'LIMITED-POSTER', name: 'Limited edition poster', description: 'A numbered print of the saga diagram; only a few left.', category: 'art', price: 2500, currency: 'USD', stock: 3 },
];

/** Stripe's test cards, which the payment provider simulator understands. */
export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processingError: '4000000000000119',
} as const;

/**
 * The demo shop's accounts. The admin is created by the users service itself
 * at start (BOOTSTRAP_ADMIN_*); the seed signs up the others. Local demo
 * passwords only: set your own through the environment anywhere else.
 */
export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@shop.example', password: 'admin-password-change-me', name: 'Shop Admin' },
  support: { email: 'support@shop.example', password: 'support-password-change-me', name: 'Sam Support' },
  customer: { email: 'ada@shop.example', password: 'ada-password-change-me', name: 'Ada Lovelace', phone: '+441234567890' },
} as const;
