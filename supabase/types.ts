// Written by `npm run schema:types` (do not edit): Supabase's TypeScript types of the
// public schema after supabase/migrations (stack/types.ts).

export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
  // Allows to automatically instantiate createClient with right options
  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)
  __InternalSupabase: {
    PostgrestVersion: '12.0.2';
  };
  public: {
    Tables: {
      audit_log: {
        Row: {
          action: string;
          actor: string | null;
          actor_role: string | null;
          at: string;
          id: number;
          new: Json | null;
          old: Json | null;
          organization_id: string;
          row_id: string | null;
          table_name: string;
        };
        Insert: {
          action: string;
          actor?: string | null;
          actor_role?: string | null;
          at?: string;
          id?: never;
          new?: Json | null;
          old?: Json | null;
          organization_id: string;
          row_id?: string | null;
          table_name: string;
        };
        Update: {
          action?: string;
          actor?: string | null;
          actor_role?: string | null;
          at?: string;
          id?: never;
          new?: Json | null;
          old?: Json | null;
          organization_id?: string;
          row_id?: string | null;
          table_name?: string;
        };
        Relationships: [];
      };
      customers: {
        Row: {
          created_at: string;
          id: string;
          organization_id: string;
          phone: string;
        };
        Insert: {
          created_at?: string;
          id?: string;
          organization_id: string;
          phone: string;
        };
        Update: {
          created_at?: string;
          id?: string;
          organization_id?: string;
          phone?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'customers_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
        ];
      };
      memberships: {
        Row: {
          created_at: string;
          id: string;
          organization_id: string;
          role: string;
          updated_at: string;
          user_id: string;
        };
        Insert: {
          created_at?: string;
          id?: string;
          organization_id: string;
          role: string;
          updated_at?: string;
          user_id: string;
        };
        Update: {
          created_at?: string;
          id?: string;
          organization_id?: string;
          role?: string;
          updated_at?: string;
          user_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'memberships_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
        ];
      };
      organizations: {
        Row: {
          created_at: string;
          id: string;
          name: string;
          routers_approved_at: string | null;
          suspended_at: string | null;
          suspended_reason: string | null;
          updated_at: string;
        };
        Insert: {
          created_at?: string;
          id?: string;
          name: string;
          routers_approved_at?: string | null;
          suspended_at?: string | null;
          suspended_reason?: string | null;
          updated_at?: string;
        };
        Update: {
          created_at?: string;
          id?: string;
          name?: string;
          routers_approved_at?: string | null;
          suspended_at?: string | null;
          suspended_reason?: string | null;
          updated_at?: string;
        };
        Relationships: [];
      };
      payments: {
        Row: {
          amount_kes: number;
          checkout_request_id: string | null;
          client_mac: unknown;
          created_at: string;
          customer_id: string | null;
          id: string;
          idempotency_key: string | null;
          language: string;
          merchant_request_id: string | null;
          mpesa_receipt: string | null;
          organization_id: string;
          overpaid_kes: number | null;
          phone: string;
          plan_id: string;
          push_error: string | null;
          raw_callback: Json | null;
          receipt_missing: boolean;
          result_code: number | null;
          result_code_raw: string | null;
          result_desc: string | null;
          router_id: string | null;
          settled_at: string | null;
          site_id: string | null;
          status: string;
          status_token: string | null;
          updated_at: string;
          via: string | null;
          voucher_id: string | null;
        };
        Insert: {
          amount_kes: number;
          checkout_request_id?: string | null;
          client_mac?: unknown;
          created_at?: string;
          customer_id?: string | null;
          id?: string;
          idempotency_key?: string | null;
          language?: string;
          merchant_request_id?: string | null;
          mpesa_receipt?: string | null;
          organization_id: string;
          overpaid_kes?: number | null;
          phone: string;
          plan_id: string;
          push_error?: string | null;
          raw_callback?: Json | null;
          receipt_missing?: boolean;
          result_code?: number | null;
          result_code_raw?: string | null;
          result_desc?: string | null;
          router_id?: string | null;
          settled_at?: string | null;
          site_id?: string | null;
          status?: string;
          status_token?: string | null;
          updated_at?: string;
          via?: string | null;
          voucher_id?: string | null;
        };
        Update: {
          amount_kes?: number;
          checkout_request_id?: string | null;
          client_mac?: unknown;
          created_at?: string;
          customer_id?: string | null;
          id?: string;
          idempotency_key?: string | null;
          language?: string;
          merchant_request_id?: string | null;
          mpesa_receipt?: string | null;
          organization_id?: string;
          overpaid_kes?: number | null;
          phone?: string;
          plan_id?: string;
          push_error?: string | null;
          raw_callback?: Json | null;
          receipt_missing?: boolean;
          result_code?: number | null;
          result_code_raw?: string | null;
          result_desc?: string | null;
          router_id?: string | null;
          settled_at?: string | null;
          site_id?: string | null;
          status?: string;
          status_token?: string | null;
          updated_at?: string;
          via?: string | null;
          voucher_id?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: 'payments_customer_id_organization_id_fkey';
            columns: ['customer_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'customers';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'payments_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'payments_plan_id_organization_id_fkey';
            columns: ['plan_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'plans';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'payments_router_id_organization_id_fkey';
            columns: ['router_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'routers';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'payments_site_id_organization_id_fkey';
            columns: ['site_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'sites';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'payments_voucher_id_organization_id_fkey';
            columns: ['voucher_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'vouchers';
            referencedColumns: ['id', 'organization_id'];
          },
        ];
      };
      plan_sites: {
        Row: {
          organization_id: string;
          plan_id: string;
          site_id: string;
        };
        Insert: {
          organization_id: string;
          plan_id: string;
          site_id: string;
        };
        Update: {
          organization_id?: string;
          plan_id?: string;
          site_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'plan_sites_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'plan_sites_plan_id_organization_id_fkey';
            columns: ['plan_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'plans';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'plan_sites_site_id_organization_id_fkey';
            columns: ['site_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'sites';
            referencedColumns: ['id', 'organization_id'];
          },
        ];
      };
      plans: {
        Row: {
          active: boolean;
          created_at: string;
          data_quota_bytes: number | null;
          devices_allowed: number;
          download_kbps: number | null;
          id: string;
          max_discount_kes: number;
          name: string;
          organization_id: string;
          price_kes: number;
          time_quota_seconds: number | null;
          updated_at: string;
          upload_kbps: number | null;
          validity_seconds: number;
        };
        Insert: {
          active?: boolean;
          created_at?: string;
          data_quota_bytes?: number | null;
          devices_allowed?: number;
          download_kbps?: number | null;
          id?: string;
          max_discount_kes?: number;
          name: string;
          organization_id: string;
          price_kes: number;
          time_quota_seconds?: number | null;
          updated_at?: string;
          upload_kbps?: number | null;
          validity_seconds: number;
        };
        Update: {
          active?: boolean;
          created_at?: string;
          data_quota_bytes?: number | null;
          devices_allowed?: number;
          download_kbps?: number | null;
          id?: string;
          max_discount_kes?: number;
          name?: string;
          organization_id?: string;
          price_kes?: number;
          time_quota_seconds?: number | null;
          updated_at?: string;
          upload_kbps?: number | null;
          validity_seconds?: number;
        };
        Relationships: [
          {
            foreignKeyName: 'plans_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
        ];
      };
      routers: {
        Row: {
          coa_port: number;
          created_at: string;
          id: string;
          last_seen_at: string | null;
          login_host: string | null;
          message_authenticator_off_reason: string | null;
          name: string;
          nas_ip: unknown;
          organization_id: string;
          require_message_authenticator: boolean;
          site_id: string;
          updated_at: string;
          vendor: string;
        };
        Insert: {
          coa_port?: number;
          created_at?: string;
          id?: string;
          last_seen_at?: string | null;
          login_host?: string | null;
          message_authenticator_off_reason?: string | null;
          name: string;
          nas_ip: unknown;
          organization_id: string;
          require_message_authenticator?: boolean;
          site_id: string;
          updated_at?: string;
          vendor: string;
        };
        Update: {
          coa_port?: number;
          created_at?: string;
          id?: string;
          last_seen_at?: string | null;
          login_host?: string | null;
          message_authenticator_off_reason?: string | null;
          name?: string;
          nas_ip?: unknown;
          organization_id?: string;
          require_message_authenticator?: boolean;
          site_id?: string;
          updated_at?: string;
          vendor?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'routers_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'routers_site_id_organization_id_fkey';
            columns: ['site_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'sites';
            referencedColumns: ['id', 'organization_id'];
          },
        ];
      };
      sites: {
        Row: {
          created_at: string;
          default_language: string;
          id: string;
          name: string;
          organization_id: string;
          primary_color: string;
          slug: string;
          support_phone: string | null;
          updated_at: string;
        };
        Insert: {
          created_at?: string;
          default_language?: string;
          id?: string;
          name: string;
          organization_id: string;
          primary_color?: string;
          slug: string;
          support_phone?: string | null;
          updated_at?: string;
        };
        Update: {
          created_at?: string;
          default_language?: string;
          id?: string;
          name?: string;
          organization_id?: string;
          primary_color?: string;
          slug?: string;
          support_phone?: string | null;
          updated_at?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'sites_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
        ];
      };
      sms_outbox: {
        Row: {
          attempts: number;
          body: string;
          created_at: string;
          id: string;
          last_error: string | null;
          next_attempt_at: string;
          organization_id: string;
          payment_id: string | null;
          provider_message_id: string | null;
          provider_status: Json | null;
          sent_at: string | null;
          status: string;
          to_phone: string;
        };
        Insert: {
          attempts?: number;
          body: string;
          created_at?: string;
          id?: string;
          last_error?: string | null;
          next_attempt_at?: string;
          organization_id: string;
          payment_id?: string | null;
          provider_message_id?: string | null;
          provider_status?: Json | null;
          sent_at?: string | null;
          status?: string;
          to_phone: string;
        };
        Update: {
          attempts?: number;
          body?: string;
          created_at?: string;
          id?: string;
          last_error?: string | null;
          next_attempt_at?: string;
          organization_id?: string;
          payment_id?: string | null;
          provider_message_id?: string | null;
          provider_status?: Json | null;
          sent_at?: string | null;
          status?: string;
          to_phone?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'sms_outbox_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'sms_outbox_payment_id_fkey';
            columns: ['payment_id'];
            isOneToOne: false;
            referencedRelation: 'payments';
            referencedColumns: ['id'];
          },
        ];
      };
      voucher_batches: {
        Row: {
          count: number;
          created_at: string;
          created_by: string | null;
          id: string;
          organization_id: string;
          plan_id: string;
          prefix: string;
        };
        Insert: {
          count: number;
          created_at?: string;
          created_by?: string | null;
          id?: string;
          organization_id: string;
          plan_id: string;
          prefix?: string;
        };
        Update: {
          count?: number;
          created_at?: string;
          created_by?: string | null;
          id?: string;
          organization_id?: string;
          plan_id?: string;
          prefix?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'voucher_batches_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'voucher_batches_plan_id_organization_id_fkey';
            columns: ['plan_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'plans';
            referencedColumns: ['id', 'organization_id'];
          },
        ];
      };
      vouchers: {
        Row: {
          batch_id: string | null;
          code: string;
          created_at: string;
          created_by: string | null;
          customer_id: string | null;
          data_quota_bytes: number | null;
          devices_allowed: number;
          download_kbps: number | null;
          expires_at: string | null;
          first_used_at: string | null;
          id: string;
          organization_id: string;
          plan_id: string;
          price_kes: number;
          sold_at: string | null;
          sold_by: string | null;
          sold_price_kes: number | null;
          status: string;
          time_quota_seconds: number | null;
          upload_kbps: number | null;
          used_bytes: number;
          used_seconds: number;
          validity_seconds: number;
        };
        Insert: {
          batch_id?: string | null;
          code?: string;
          created_at?: string;
          created_by?: string | null;
          customer_id?: string | null;
          data_quota_bytes?: number | null;
          devices_allowed: number;
          download_kbps?: number | null;
          expires_at?: string | null;
          first_used_at?: string | null;
          id?: string;
          organization_id: string;
          plan_id: string;
          price_kes: number;
          sold_at?: string | null;
          sold_by?: string | null;
          sold_price_kes?: number | null;
          status?: string;
          time_quota_seconds?: number | null;
          upload_kbps?: number | null;
          used_bytes?: number;
          used_seconds?: number;
          validity_seconds: number;
        };
        Update: {
          batch_id?: string | null;
          code?: string;
          created_at?: string;
          created_by?: string | null;
          customer_id?: string | null;
          data_quota_bytes?: number | null;
          devices_allowed?: number;
          download_kbps?: number | null;
          expires_at?: string | null;
          first_used_at?: string | null;
          id?: string;
          organization_id?: string;
          plan_id?: string;
          price_kes?: number;
          sold_at?: string | null;
          sold_by?: string | null;
          sold_price_kes?: number | null;
          status?: string;
          time_quota_seconds?: number | null;
          upload_kbps?: number | null;
          used_bytes?: number;
          used_seconds?: number;
          validity_seconds?: number;
        };
        Relationships: [
          {
            foreignKeyName: 'vouchers_batch_id_organization_id_fkey';
            columns: ['batch_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'voucher_batches';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'vouchers_customer_id_organization_id_fkey';
            columns: ['customer_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'customers';
            referencedColumns: ['id', 'organization_id'];
          },
          {
            foreignKeyName: 'vouchers_organization_id_fkey';
            columns: ['organization_id'];
            isOneToOne: false;
            referencedRelation: 'organizations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'vouchers_plan_id_organization_id_fkey';
            columns: ['plan_id', 'organization_id'];
            isOneToOne: false;
            referencedRelation: 'plans';
            referencedColumns: ['id', 'organization_id'];
          },
        ];
      };
    };
    Views: {
      [_ in never]: never;
    };
    Functions: {
      accept_invitation: { Args: { p_invitation_id: string }; Returns: Json };
      approve_organization: { Args: { p_organization_id: string }; Returns: undefined };
      cash_up: {
        Args: { p_day?: string; p_organization_id: string };
        Returns: {
          email: string;
          first_sold_at: string;
          last_sold_at: string;
          role: string;
          seller_id: string;
          total_kes: number;
          vouchers: number;
        }[];
      };
      create_organization: { Args: { p_name: string }; Returns: string };
      create_router: {
        Args: { p_name: string; p_nas_ip: unknown; p_site_id: string; p_vendor: string };
        Returns: Json;
      };
      customer_data_export: { Args: { p_organization_id: string; p_phone: string }; Returns: Json };
      dashboard_alerts: { Args: { p_organization_id: string }; Returns: Json };
      dashboard_summary: { Args: { p_organization_id: string; p_site_id?: string }; Returns: Json };
      disconnect_session: { Args: { p_mac?: string; p_voucher_id: string }; Returns: number };
      erase_customer: { Args: { p_organization_id: string; p_phone: string }; Returns: Json };
      export_organization: { Args: { p_organization_id: string }; Returns: Json };
      invite_member: {
        Args: { p_email: string; p_organization_id: string; p_role: string };
        Returns: Json;
      };
      is_platform_staff: { Args: Record<PropertyKey, never>; Returns: boolean };
      my_invitations: {
        Args: Record<PropertyKey, never>;
        Returns: {
          expires_at: string;
          invitation_id: string;
          organization_id: string;
          organization_name: string;
          role: string;
        }[];
      };
      payment_settings: { Args: { p_organization_id: string }; Returns: Json };
      payment_status: { Args: { p_token: string }; Returns: Json };
      platform_address_quarantine: {
        Args: Record<PropertyKey, never>;
        Returns: {
          address: string;
          organization_id: string;
          organization_name: string;
          quarantined_until: string;
          released_at: string;
        }[];
      };
      platform_jobs: {
        Args: Record<PropertyKey, never>;
        Returns: {
          due_at: string;
          failures: number;
          last_duration_ms: number;
          last_error: string;
          last_error_at: string;
          last_started_at: string;
          last_succeeded_at: string;
          name: string;
          node: string;
          period_seconds: number;
          running: boolean;
          runs: number;
        }[];
      };
      platform_organizations: {
        Args: Record<PropertyKey, never>;
        Returns: {
          active_vouchers: number;
          created_at: string;
          failed_payments_last_day: number;
          id: string;
          name: string;
          owner_emails: string[];
          payments_last_day: number;
          router_last_seen_at: string;
          routers: number;
          routers_approved_at: string;
          routers_seen_last_hour: number;
          sites: number;
          suspended_at: string;
          suspended_reason: string;
        }[];
      };
      platform_receipt_alerts: {
        Args: Record<PropertyKey, never>;
        Returns: {
          organization_id: string;
          organization_name: string;
          other_organization_id: string;
          other_organization_name: string;
          receipt: string;
          seen_at: string;
        }[];
      };
      platform_settings: {
        Args: Record<PropertyKey, never>;
        Returns: {
          address_quarantine_days: number;
          callback_url_hours: number;
          signup_mode: string;
          status_token_days: number;
          updated_at: string;
        }[];
      };
      portal_login_host_allowed: { Args: { p_host: string; p_slug: string }; Returns: boolean };
      portal_logo: { Args: { p_slug: string }; Returns: Json };
      portal_resume: { Args: { p_mac: string; p_site_slug: string }; Returns: Json };
      portal_site: { Args: { p_slug: string }; Returns: Json };
      portal_voucher_status: {
        Args: { p_client?: string; p_code: string; p_site_slug: string };
        Returns: Json;
      };
      recover_voucher: {
        Args: { p_client?: string; p_phone: string; p_receipt: string; p_site_slug: string };
        Returns: Json;
      };
      release_vouchers: { Args: { p_batch_id?: string; p_voucher_id?: string }; Returns: Json };
      resume_organization: { Args: { p_organization_id: string }; Returns: undefined };
      retention_policies: {
        Args: Record<PropertyKey, never>;
        Returns: {
          days: number;
          kind: string;
          minimum_days: number;
          reason: string;
          updated_at: string;
        }[];
      };
      revenue_summary: { Args: { p_organization_id: string }; Returns: Json };
      router_health: { Args: { p_organization_id: string }; Returns: Json };
      router_setup: { Args: { p_router_id: string }; Returns: Json };
      search_customers: {
        Args: { p_digits: string; p_organization_id: string };
        Returns: {
          created_at: string;
          id: string;
          organization_id: string;
          phone: string;
        }[];
        SetofOptions: {
          from: '*';
          to: 'customers';
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      search_vouchers: {
        Args: { p_organization_id: string; p_search: string };
        Returns: {
          batch_id: string | null;
          code: string;
          created_at: string;
          created_by: string | null;
          customer_id: string | null;
          data_quota_bytes: number | null;
          devices_allowed: number;
          download_kbps: number | null;
          expires_at: string | null;
          first_used_at: string | null;
          id: string;
          organization_id: string;
          plan_id: string;
          price_kes: number;
          sold_at: string | null;
          sold_by: string | null;
          sold_price_kes: number | null;
          status: string;
          time_quota_seconds: number | null;
          upload_kbps: number | null;
          used_bytes: number;
          used_seconds: number;
          validity_seconds: number;
        }[];
        SetofOptions: {
          from: '*';
          to: 'vouchers';
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      sell_voucher: { Args: { p_price_kes?: number; p_voucher_id: string }; Returns: Json };
      session_history: {
        Args: {
          p_before?: string;
          p_limit?: number;
          p_organization_id: string;
          p_voucher_id?: string;
        };
        Returns: Json;
      };
      sessions_online: { Args: { p_organization_id: string; p_site_id?: string }; Returns: Json };
      set_address_quarantine_days: { Args: { p_days: number }; Returns: undefined };
      set_mpesa_settings: {
        Args: {
          p_account_type: string;
          p_consumer_key?: string;
          p_consumer_secret?: string;
          p_environment: string;
          p_initiator_name?: string;
          p_organization_id: string;
          p_passkey?: string;
          p_security_credential?: string;
          p_shortcode: string;
          p_till_number?: string;
        };
        Returns: Json;
      };
      set_payment_link_lifetimes: {
        Args: { p_callback_url_hours: number; p_status_token_days: number };
        Returns: undefined;
      };
      set_retention_days: { Args: { p_days: number; p_kind: string }; Returns: undefined };
      set_signup_mode: { Args: { p_mode: string }; Returns: undefined };
      set_site_logo: { Args: { p_image_base64: string; p_site_id: string }; Returns: Json };
      set_sms_settings: {
        Args: {
          p_api_key?: string;
          p_organization_id: string;
          p_sender_id?: string;
          p_username: string;
        };
        Returns: Json;
      };
      support_issue_voucher: {
        Args: { p_phone: string; p_plan_id: string; p_receipt: string };
        Returns: Json;
      };
      support_mark_refunded: { Args: { p_note: string; p_receipt: string }; Returns: Json };
      support_resend_sms: { Args: { p_payment_id: string }; Returns: Json };
      suspend_organization: {
        Args: { p_organization_id: string; p_reason: string };
        Returns: undefined;
      };
      team_invitations: {
        Args: { p_organization_id: string };
        Returns: {
          email: string;
          expires_at: string;
          invitation_id: string;
          invited_at: string;
          role: string;
        }[];
      };
      team_members: {
        Args: { p_organization_id: string };
        Returns: {
          email: string;
          invitation_pending: boolean;
          joined_at: string;
          last_sign_in_at: string;
          membership_id: string;
          role: string;
          user_id: string;
        }[];
      };
      unmatched_receipts: { Args: { p_organization_id: string }; Returns: Json };
      voucher_sessions: { Args: { p_voucher_id: string }; Returns: Json };
    };
    Enums: {
      [_ in never]: never;
    };
    CompositeTypes: {
      [_ in never]: never;
    };
  };
};

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, 'public'>];

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])[TableName] extends {
      Row: infer R;
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
    ? (DefaultSchema['Tables'] & DefaultSchema['Views'])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R;
      }
      ? R
      : never
    : never;

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
      Insert: infer I;
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
    ? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I;
      }
      ? I
      : never
    : never;

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
      Update: infer U;
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
    ? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U;
      }
      ? U
      : never
    : never;

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    keyof DefaultSchema['Enums'] | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums']
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums'][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums']
    ? DefaultSchema['Enums'][DefaultSchemaEnumNameOrOptions]
    : never;

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    keyof DefaultSchema['CompositeTypes'] | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes']
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes'][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema['CompositeTypes']
    ? DefaultSchema['CompositeTypes'][PublicCompositeTypeNameOrOptions]
    : never;

export const Constants = {
  public: {
    Enums: {},
  },
} as const;
