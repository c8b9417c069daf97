/** What supabase/seed.sql creates (and the local portal's demo secrets), for the banner and the tests. */
export const demo = {
  email: 'owner@demo.test',
  password: 'demo-owner-pass',
  organizationName: 'Demo Hotspot',
  siteSlug: 'demo',
  /** The demo site's id: what router files and printed vouchers address it by (/s/<id>). */
  siteId: 'd0000000-0000-4000-8000-000000000020',
  routerIp: '127.0.0.1',
  routerSecret: 'demo-radius-secret',
  /** The local portal's openNDS faskey (PORTAL_FAS_KEY), for a demo openNDS gateway. */
  fasKey: 'demofaskey2026',
};
