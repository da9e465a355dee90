export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export type NewUser = Pick<User, 'id' | 'email' | 'name'>;
