// Prisma CLI configuration: the JavaScript schema engine with the pg driver adapter, so
// `migrate` and `generate` run offline on Prisma's WebAssembly engines (no native engine).
import { defineConfig } from 'prisma/config';
import { createMigrationAdapter } from './exporter/src/db/prisma-migrate-adapter.ts';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: point it at the PostgreSQL database to migrate');
    return createMigrationAdapter(url);
  },
});
