export const sitterBasePath = '/sitter';
