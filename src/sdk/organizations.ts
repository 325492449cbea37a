/** Wire types for organizations and their members (Coder's codersdk/organizations.go). */
import type { SlimRole } from './users.js';

export interface Organization {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

export interface OrganizationMember {
  user_id: string;
  organization_id: string;
  created_at: string;
  updated_at: string;
  roles: SlimRole[];
}

export interface OrganizationMemberWithUserData extends OrganizationMember {
  username: string;
  name: string;
  email: string;
  avatar_url: string;
  global_roles: SlimRole[];
}
