/** What supabase/seed.sql creates, for the banner and the tests. */
export const demo = {
  email: 'owner@demo.test',
  password: 'demo-owner-pass',
  organizationName: 'Demo Hotspot',
  siteSlug: 'demo',
  routerIp: '127.0.0.1',
  routerSecret: 'demo-radius-secret',
};
