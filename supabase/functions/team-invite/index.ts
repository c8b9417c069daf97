import { handleTeamInvite } from './handler.ts';

Deno.serve(handleTeamInvite);
