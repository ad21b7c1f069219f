<?xml version="1.0" encoding="UTF-8"?>
<!-- A lexicon as other tools write them: Amazon Polly's and Azure's examples use IPA phonemes and
     English aliases; this one mixes them with the Arabic aliases newsaudio can use. -->
<lexicon version="1.0"
      xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
      xsi:schemaLocation="http://www.w3.org/2005/01/pronunciation-lexicon
        http://www.w3.org/TR/2007/CR-pronunciation-lexicon-20071212/pls.xsd"
      alphabet="ipa" xml:lang="ar-SA">
  <lexeme>
    <grapheme>W3C</grapheme>
    <alias>World Wide Web Consortium</alias>
  </lexeme>
  <lexeme>
    <grapheme>غزة</grapheme>
    <phoneme>ˈɣazza</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>نيويورك</grapheme>
    <alias>نْيُويُورْك</alias>
  </lexeme>
  <lexeme xml:lang="en-US">
    <grapheme>tomato</grapheme>
    <phoneme alphabet="x-sampa">t@"meIt@U</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>يونسكو</grapheme>
    <grapheme>اليونسكو</grapheme>
    <alias>يُونِسْكُو</alias>
  </lexeme>
  <lexeme role="claws:NN1">
    <grapheme>NASA</grapheme>
    <alias>نَاسَا</alias>
    <alias prefer="true">نَاسَا</alias>
  </lexeme>
  <lexeme>
    <alias>بلا كتابة</alias>
  </lexeme>
  <lexeme>
    <grapheme>ماكرون</grapheme>
    <alias>مَاكْرُون</alias>
  </lexeme>
</lexicon>
