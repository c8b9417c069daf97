// portal_voucher_status: the portal's status page answers only for its own organization's codes
// and cannot be used to guess codes (misses lock a client's, then the site's lookups for the
// window), while one client cannot lock the site for everyone.
import { describe, expect, it } from 'vitest';
import { createHotspot } from '../support/radius.ts';
import { stackInfo } from '../support/stack.ts';
import { client, ownerSql } from '../support/users.ts';

async function siteSlug(siteId: string): Promise<string> {
  const [row] = await ownerSql()`select slug from public.sites where id = ${siteId}`;
  return row.slug as string;
}

const status = async (slug: string, code: string) => {
  const { data, error } = await client().rpc('portal_voucher_status', {
    p_site_slug: slug,
    p_code: code,
  });
  expect(error).toBeNull();
  return data as Record<string, unknown>;
};

describe('portal_voucher_status', () => {
  it("answers for the site's own codes only, the same way for every miss", async () => {
    const a = await createHotspot({ timeQuotaSeconds: 1200, dataQuotaBytes: 5_000_000 });
    const b = await createHotspot();
    const code = await a.voucher();
    await ownerSql()`
      update public.vouchers set used_seconds = 200, used_bytes = 1000000, first_used_at = now(),
        expires_at = now() + interval '1 hour' where code = ${code}`;
    expect(await status(await siteSlug(a.siteId), code.toLowerCase())).toMatchObject({
      ok: true,
      status: 'active',
      seconds_left: 1000,
      bytes_left: 4_000_000,
    });
    const notFound = { ok: false, error: 'not_found' };
    expect(await status(await siteSlug(b.siteId), code)).toEqual(notFound);
    expect(await status(await siteSlug(a.siteId), 'ZZZZZZZZZZ')).toEqual(notFound);
    expect(await status(await siteSlug(a.siteId), "' or 1=1 --")).toEqual(notFound);
    expect(await status('no-such-site', code)).toEqual(notFound);
  });

  it('after 20 misses at a site, from at least 4 clients, every lookup there is refused', async () => {
    const a = await createHotspot();
    const other = await createHotspot();
    const slug = await siteSlug(a.siteId);
    const code = await a.voucher();
    const guess = (i: number) =>
      `ZZZZZZZ${'23456789AB'[i % 10]}${'CDEFGHJKMN'[i % 10]}${'PQRS'[Math.floor(i / 10)]}`;
    // The portal server names the client (address|MAC); each is refused after its own 5 misses.
    const service = client(stackInfo().secretKey);
    const asClient = async (who: string, typed: string) => {
      const { data, error } = await service.rpc('portal_voucher_status', {
        p_site_slug: slug,
        p_code: typed,
        p_client: who,
      });
      expect(error).toBeNull();
      return data as Record<string, unknown>;
    };
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < 5; i++) {
        expect(await asClient(`10.0.${c}.1|`, guess(c * 5 + i))).toEqual({
          ok: false,
          error: 'not_found',
        });
      }
      expect(await asClient(`10.0.${c}.1|`, code)).toMatchObject({ error: 'rate_limited' });
    }
    const limited = await asClient('10.0.9.1|', code);
    expect(limited).toMatchObject({ ok: false, error: 'rate_limited' });
    expect(limited.retry_after_seconds).toBeGreaterThan(0);
    expect(limited.retry_after_seconds).toBeLessThanOrEqual(600);
    expect(await status(slug, code)).toMatchObject({ error: 'rate_limited' });
    // Other sites are not affected.
    expect(await status(await siteSlug(other.siteId), await other.voucher())).toMatchObject({
      ok: true,
    });
  });

  it('callers without the secret key are one address: they cannot lock the site', async () => {
    const a = await createHotspot();
    const slug = await siteSlug(a.siteId);
    const code = await a.voucher();
    const guess = (i: number) =>
      `ZZZZZZZ${'23456789AB'[i % 10]}${'CDEFGHJKMN'[i % 10]}${'PQ'[Math.floor(i / 10)]}`;
    // An address gets 3/4 of the site's 20 misses.
    for (let i = 0; i < 15; i++) {
      expect(await status(slug, guess(i))).toEqual({ ok: false, error: 'not_found' });
    }
    expect(await status(slug, code)).toMatchObject({ error: 'rate_limited' });
    const { data } = await client(stackInfo().secretKey).rpc('portal_voucher_status', {
      p_site_slug: slug,
      p_code: code,
      p_client: '10.1.1.1|02:00:00:00:00:01',
    });
    expect(data).toMatchObject({ ok: true, code });
  });
});
