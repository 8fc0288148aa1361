export { WORKOS_API_URL, type WorkosSourceOptions, workosDirectorySource } from './workos.source';
