import postgres from 'postgres';
import { SANDBOX_INITIATOR, SANDBOX_SECURITY_CREDENTIAL } from './daraja.ts';

/** Gives the demo organization (supabase/seed.sql) sandbox M-Pesa and SMS settings that point
 * at the simulators, unless someone configured it already. */
export async function configureDemoPayments(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`
      insert into private.mpesa_settings (organization_id, environment, shortcode, account_type,
        passkey, consumer_key, consumer_secret, initiator_name, security_credential)
      select o.id, 'sandbox', '174379', 'paybill',
        'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
        'demo-consumer-key', 'demo-consumer-secret', ${SANDBOX_INITIATOR},
        ${SANDBOX_SECURITY_CREDENTIAL}
      from public.organizations o where o.id = 'd0000000-0000-4000-8000-000000000010'
      on conflict do nothing`;
    await sql`
      insert into private.sms_settings (organization_id, username, api_key, sender_id)
      select o.id, 'sandbox', 'demo-at-api-key', null
      from public.organizations o where o.id = 'd0000000-0000-4000-8000-000000000010'
      on conflict do nothing`;
  } finally {
    await sql.end();
  }
}
