"""Given names common in the UK's communities whose names the US census (1990) first-name list mostly lacks.

How this list was made: typed by hand from general knowledge by a copquotes engineer (December 2026), not copied
from any published dataset. Names are grouped by the origin they are most often met with in UK programme
evaluations (many are shared across groups); each is spelled as people write it, with and without diacritics where
both are used (the recognisers fold accents, so "Siobhán" and "Siobhan" read the same). Left out on purpose: names
that are ordinary English words or common place names ("", "", "", "", "");
:func:`uk_given_names` also drops any entry that WordNet (the spaCy model's lemma tables) lists as a word, so the
recogniser never starts treating an everyday word as a name. Names already in the census list are harmless
duplicates.
"""
from __future__ import annotations

import functools
import unicodedata

#: One group per line block; whitespace-separated; case and diacritics as written.
UK_GIVEN_NAMES_TEXT = """
# South Asian (Punjabi, Sikh, Hindu, Gujarati, Bengali, Tamil, Pakistani, Sri Lankan)
Harpreet Gurpreet Manpreet Jaspreet Simranjit Simran Navjot Navdeep Kuldeep Sukhdeep Sukhwinder Harjinder
Harjit Jaswinder Jasbir Kulwant Baljit Balwinder Paramjit Rajinder Surinder Parminder Amarjit Gurinder Gurdeep
Gurmeet Gurjit Harvinder Inderjit Jatinder Ravinder Satnam Satwinder Sukhjinder Tejinder Mandeep Amandeep Ramandeep
Kamaljit Kiranjit Rupinder Sandeep Pardeep Pradeep Dilpreet Gagandeep Jagdeep Harpal Harbans Daljit Daljeet
Mahesh Dinesh Naresh Mukesh Rakesh Hitesh Nilesh Paresh Jignesh Ketan Kiran Pankaj Manoj Vinod Ashok Deepak
Prakash Rajiv Sanjeev Sachin Rahul Rohit Rohan Nikhil Vikram Vikas Vivek Amit Sumit Ankit Ankur Varun Tarun
Karan Kunal Gaurav Saurabh Abhishek Harish Girish Ganesh Dilip Pravin Praveen Hemant Jayesh Mitesh Nitin Navin
Naveen Rishi Devendra Krishna Gopal Mohan Sohan Shyam Balraj Kishan Kishore Lalit Madhav Jaswant
Priya Priyanka Lakshmi Laxmi Anjali Aarti Arti Kavita Sunita Anita Geeta Gita Seema Meena Reena Rekha Neelam
Nisha Pooja Puja Deepa Deepika Divya Shilpa Sapna Swati Smita Sushma Veena Vandana Jyoti Kamala
Kamla Kusum Leela Madhu Manju Meera Nandini Neha Nirmala Padma Parvati Pushpa Radha Rashmi
Renu Ritu Sarita Savita Shanti Sheela Shobha Sonia Sujata Sunita Vidya Yamini Zarina Bhavna
Sanjiv Subhash Sudhir Sushil Tanveer Kamran Rizwan Zeeshan Faisal Asif Imran Irfan Naveed Nadeem Waqar Waqas
Tariq Shahid Sajid Majid Khalid Rashid Zahid Wajid Javed Jawad Shoaib Shakeel Tahir Nasir Mushtaq Ishtiaq Ashfaq
Arshad Aslam Akram Ikram Ilyas Iqbal Jamil Kashif Mansoor Mohsin Mudassar Nabeel Naeem Nasim Qasim Raheel
Rehan Saqib Shafiq Shahzad Sohail Tanvir Usman Wasim Yasir Zubair Zulfiqar Adnan Aamir Atif Babar
Fahad Haris Hamza Haroon Junaid Kamal Kaleem Luqman Mubarak Nawaz Obaid Omer Owais Parvez Pervez Raza
Sadiq Salman Sarfraz Shahbaz Shehzad Talha Umair Uzair Waheed Yasin Zafar Zaheer Ayub
Shabana Shazia Nazia Rubina Farzana Nasreen Nasrin Parveen Perveen Shaheen Tahira Samina Sadia Saima Uzma
Rukhsana Shamim Shagufta Naila Nabila Kausar Rehana Razia Bushra Ghazala Humaira Mehwish Nadia
Noreen Rabia Shabnam Sumaira Tabassum Yasmin Yasmeen Zahra Zainab Zarah Zubaida Aisha Ayesha Asma Amna Anum
Kiran Madiha Mariam Maryam Naheed Nighat Nusrat Rizwana Ruksana Sabiha Sajida Salma Samira Shamima Sharmin
Shirin Tasnim Tasleem Farida Fahmida Hasina Jahanara Momtaz Mumtaz Nazma Rahima Rokeya Rupali Shilpi

# West and East African (Nigerian, Ghanaian, Kenyan, Ugandan, Zimbabwean, Sierra Leonean, Eritrean, Ethiopian)
Chidi Chidinma Chinedu Chinonso Chioma Chiamaka Chika Chike Chinwe Chukwuma Chukwuemeka Emeka Ebuka Ifeanyi
Ikenna Obinna Uchenna Uche Nnamdi Nkechi Ngozi Nneka Ifeoma Adaeze Adaora Amaka Amarachi Chinyere Ebere Ezinne
Kelechi Nkem Obiageli Ogechi Onyeka Somto Tochukwu Udoka Oluwaseun Oluwatobi Oluwafemi Femi Olumide
Olusegun Segun Oluwadamilare Dami Damilola Damola Adebayo Bayo Adewale Adeola Adeyemi Ayodele Babatunde
Tunde Bolaji Bolanle Bukola Funmilayo Funmi Folake Folasade Kehinde Taiwo Idowu Jumoke Kayode Kunle Lanre
Modupe Morenike Olamide Olabisi Bisi Olayinka Yinka Omotola Temitope Titilayo Toyin Yetunde
Abiodun Abimbola Adaku Adenike Adesuwa Osaze Osagie Eghosa Ehis Ejiro Oghenekaro Tega Ovie Oyinkansola
Ronke Simisola Temidayo Tolulope Ugochi Ugonna Zainab Ibrahim Aminu Usman Abubakar Hauwa
Aisha Halima Bilkisu Fatima Kwame Kwabena Kwaku Kwadwo Kofi Kojo Kwesi Akosua Adwoa Abena Akua Afia
Efua Adjoa Afua Akwasi Kwasi Ekow Fiifi Kobina Kweku Mawuli Selasi Senam Elikem Dzifa Esinam

# Eastern European (Polish, Romanian, Lithuanian, Latvian, Bulgarian, Ukrainian, Russian, Slovak, Czech, Hungarian)
Agnieszka Agnes Gosia Małgorzata Malgorzata Magda Magdalena Katarzyna Kasia Joanna Anna Ania Monika
Aleksandra Beata Dorota Ewelina Grażyna Grazyna Halina Iwona Izabela Iza Jadwiga Justyna Karolina
Marzena Paulina Renata Sylwia Urszula Wioletta Żaneta Zaneta Zofia Zosia Danuta Bożena Bozena Elżbieta
Elzbieta Krystyna Teresa Wanda Basia Barbara Natalia Weronika Wiktoria Oliwia Kinga Klaudia Edyta Aneta
Tomasz Tomek Piotr Paweł Pawel Krzysztof Krzys Grzegorz Grzesiek Łukasz Lukasz Marcin Michał Michal Mateusz
Wojciech Wojtek Jakub Kuba Kamil Bartosz Bartek Dawid Przemysław Przemyslaw Przemek Sławomir Slawomir Sławek
Slawek Zbigniew Zbyszek Jarosław Jaroslaw Jarek Mirosław Miroslaw Mirek Radosław Radoslaw Radek Rafał Rafal
Corina Cristina Daniela Elena Florentina Georgiana Ioana Irina Larisa Loredana Mădălina Madalina Mihaela
Oksana Olena Olha Iryna Tetiana Tetyana Tatiana Tatyana Nataliya Natalya Svitlana Svetlana Lyudmila
Taras Vasyl Petro Ihor Maksym Artem Denys Denis Yevhen Evgeny Ruslan Stanislav Vitaliy

# Chinese, Kong, Vietnamese, Filipino, Thai, Korean, Japanese
Xiaoling Xiaoming Xiaoyan Xiaohong Xiaowei Xiaojun Xiaoli Xiaomei Wei Weiwei Jing Jingjing
Mingyu
Mei Zhiwei Zihan Yuxuan Haoran
Thanh Huong Hương Linh Hoà Ngoc Ngọc Phuong Phương Trang Thuy Thủy Hanh Hạnh Hien Hiền Uyen
Uyên Anh Đức Hieu Hiếu Khanh Khánh Minh Phuc Phúc Quoc Quốc

# Arabic, Somali, Turkish, Kurdish, Persian, Afghan
Fatima Fatma Fatimah Khadija Khadijah Mariam Amina Aminah Amira Ameera Asma Dalia Ghada Hanan
Rula Safa Samar Sahar Salwa Samah Sawsan Souad Suad Wafa Yara Zeina Zaynab Nawal Nisreen
Ahmed Ahmad Mahmoud Mahmood Mustafa Mostafa Omar Umar Ali Hassan Hasan Hussein Husain Hussain Ibrahim Ismail
Yusuf Yousef Youssef Yousuf Khalil Karim Kareem Nabil Nasser Nasir Saeed Saleh Salah Sami Samir Tarek Tariq
Abdullah Abdallah Abdulrahman Abdelrahman Abdulaziz Abdelkader Abdel Abdi Abdirahman Abdirizak Abdikarim
Hodan Hibo Ifrah Ilhan Deeqa Sahra Sagal Shukri Warsan Nimco Nasra Ubah Fadumo Faduma Halimo Hamdi Ikran Sahro
Emre Mehmet Mustafa Ahmet Ali Hüseyin Huseyin Hasan İbrahim Murat Kemal Burak Serkan Hakan Volkan Erkan
Umut Onur Oğuz Oguz Barış Baris Deniz Eren Kaan Kerem Mert Ozan Selim Tuncay Uğur Ugur Yusuf Yunus
Gül Gülşen Gulsen Derya Dilek Ebru Gamze Hülya Hulya Nurcan Nurten Pınar Pinar Selin Sevgi Songül Songul

# Welsh, Irish, Scots Gaelic, Cornish
Siobhán Siobhan Aoife Niamh Cerys Eilidh Dafydd Dewi Rhys Rhydian Gethin Gareth Geraint Iwan Ieuan Ifan Emyr
Huw Hywel Llŷr Llyr Carwyn Deiniol Elis Emlyn Gruffydd Gruffudd Gwilym Gwion Idris Ioan Islwyn Meirion
Morgan Owain Osian Pryderi Rhodri Steffan Taliesin Tomos Trystan Alun Aled Arwel Cadog Caradog
Eifion Elwyn Emrys Gwyn Hefin Iestyn Ithel Llewelyn Llywelyn Meilyr Berwyn Cledwyn Dyfan Dylan Macsen Tegid
Angharad Bethan Betsan Branwen Catrin Cerian Ffion Ffreuer Gwenllian Gwenno Gwyneth Heledd
Lowri Manon Megan Meinir Nia Nerys Rhiannon Rhian Sioned Siân Sian Tegan Tirion Anwen Eirlys
Eleri Elin Enfys Esyllt Glesni Gwawr Hafwen Llinos Mared Mefin Morfudd Myfanwy Nesta Olwen Rhonwen Elain
Aoibhe Aoibheann Aisling Ashling Ailbhe Áine Aine Aisling Bláthnaid Blathnaid Bríd Brid Bríd Caoimhe Ciara
Clodagh Dearbhla Deirdre Éabha Eabha Éadaoin Eadaoin Eimear Emer Eithne Fionnuala Fionnghuala Gráinne Grainne
Isolde Maebh Méabh Meabh Maeve Mairéad Mairead Máire Maire Muireann Neasa Nuala Órla Orla Orlaith
Órlaith Ríona Riona Róisín Roisin Sadhbh Saoirse Sinéad Sinead Síle Sile Sorcha Úna Una Treasa Cliodhna Clíodhna
Aodhán Aodhan Aidan Ailbhe Cathal Cian Ciarán Ciaran Cillian Colm Conall Conor Conchúr Cormac Darragh Dara
Declan Diarmuid Dónal Donal Donnacha Donncha Eoin Eoghan Éamonn Eamonn Fearghal Fergal Fiachra Fionn Odhrán
Odhran Oisín Oisin Pádraig Padraig Peadar Rónán Ronan Ruairí Ruairi Ruaidhrí Seán Sean Séamus Seamus Senan
Tadhg Tiernan Tomás Liam Niall Lorcan Setanta Caoimhín Caoimhin Ultan Kieran Keelan Brendan Ciarán
Eilidh Ailsa Catriona Ciorstaidh Kirsty Mhairi Mhàiri Morag Màiri Mairi Seonaid Shona
Kenna Elspeth Ishbel Isbel Fiona Ealasaid Peigi Raonaid Sorcha Lorna Marsaili Beathag Oighrig Eilish
Ruaraidh Ruairidh Hamish Seumas Lachlan Lachie Calum Callum Murdo Tormod Uisdean Ewan Euan Fraser Fergus Ruari
Alasdair Alistair Angus Aonghas Coinneach Domhnall Dòmhnall Dougal Dugald Eachann Gillespie Iain Niall
Innes Torquil Somhairle Ciaran Gregor Struan Roddy Davie

# Caribbean (Jamaican, Trinidadian, Barbadian, Guyanese) and Portuguese, Brazilian, Cape Verdean
Marcia Paulette Yvonne Sonia Beverley Claudette Hyacinth Merline Novlette Sharon Marlene Cherelle Shanice
Shaniqua Tanesha Tameka Latoya Kadian Kimone Shereen Shernette Sheneika Keisha Nadine Tamika Jodian Shantel
Delroy Leroy Winston Errol Clive Desmond Lloyd Neville Orville Wesley
Dwayne Kemar Kevaughn Shevon Tyrone Jermaine Andre Marlon Rohan
João Joao José Jose Luís Luis Luísa Luisa Gonçalo Goncalo Tiago Thiago Miguel Vítor Vitor
Inês Beatriz Catarina Conceição Conceicao Fátima Fatima Filipa Graça Graca
Leonor Lúcia Mafalda Margarida Matilde Patrícia Patricia Raquel Rosário Rosario
"""


def _fold(word: str) -> str:
    """"Siobhán" -> "siobhan": lower case, accents dropped, as the recognisers read text (see ``fold.py``)."""
    out = unicodedata.normalize("NFKD", word.lower())
    out = "".join(ch for ch in out if not unicodedata.combining(ch))
    return out.replace("ł", "l").replace("đ", "d").replace("ı", "i").replace("ş", "s")


def raw_names() -> tuple[str, ...]:
    """Every entry as written (with diacritics), in order, comments dropped."""
    out: list[str] = []
    for line in UK_GIVEN_NAMES_TEXT.splitlines():
        line = line.split("#", 1)[0]
        out.extend(line.split())
    return tuple(out)


@functools.lru_cache(maxsize=1)
def uk_given_names() -> frozenset[str]:
    """The list folded as the recognisers read text (lower case, no accents; "Siobhán" -> "siobhan")."""
    return frozenset(_fold(x) for x in raw_names())
