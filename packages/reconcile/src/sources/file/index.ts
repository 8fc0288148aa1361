export {
  DIRECTORY_FIELDS,
  fileDirectorySource,
  MAX_DIRECTORY_FILE_BYTES,
  MAX_DIRECTORY_PEOPLE,
  parseDirectoryFile,
} from './file.source';
