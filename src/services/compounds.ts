// Compounds and their chats as 开通 uses them (the plain queries, re-exported from db/compounds.ts).
export { createCompound, findChat, findCompoundByName, linkChat } from '../../db/compounds.ts'
