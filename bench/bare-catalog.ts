/**
 * The yardstick for the catalog's GET /products/{sku}: a bare express + pg
 * handler reading the same row from the catalog's own database, and answering
 * the same JSON shape, without anything else (no ORM, validation, logging or
 * security headers). Its own process, started by the benchmark:
 *   DATABASE_URL=postgres://.../shop_catalog PORT=... node dist/bench/bare-catalog.js
 */
import express from 'express';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = express();

app.get('/products/:sku', async (req, res, next) => {
  try {
    const { rows } = await pool.query(
      'select sku, name, description, price_amount, price_currency, images, category, active, created_at, updated_at from products where sku = $1 and active',
      [req.params.sku],
    );
    const row = rows[0];
    if (!row) {
      res.status(404).json({ title: 'Not found' });
      return;
    }
    res.json({
      sku: row.sku,
      name: row.name,
      description: row.description,
      price: { amount: row.price_amount, currency: row.price_currency },
      images: row.images,
      category: row.category,
      active: row.active,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare catalog listening'));
process.on('SIGTERM', () => server.close(() => void pool.end()));
