/** One section of a role's app: a navbar item and the route it opens. */
export interface RoleSection {
  label: string;
  /** Relative to the role's base path; '' is the role's home. */
  path: string;
  /** One plain sentence: what this section is for. */
  summary: string;
}
