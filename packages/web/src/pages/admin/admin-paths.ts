export const adminBasePath = '/admin';
